package dev.pyapp.server.rpc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Runs JSON-RPC 2.0 requests, exactly as the specification describes: single calls,
 * batches, notifications (no response), and the standard and application error codes.
 */
@Component
class JsonRpcDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(JsonRpcDispatcher.class);

	private final RpcMethodRegistry registry;

	private final JsonMapper mapper;

	private final NodesRpc nodes;

	private final Callers callers;

	private final AuditLog audit;

	private final AuditParams auditParams;

	private final ListingText listing;

	JsonRpcDispatcher(RpcMethodRegistry registry, JsonMapper mapper, NodesRpc nodes, Callers callers, AuditLog audit,
			AuditParams auditParams, ListingText listing) {
		this.listing = listing;
		this.registry = registry;
		this.mapper = mapper;
		this.nodes = nodes;
		this.callers = callers;
		this.audit = audit;
		this.auditParams = auditParams;
	}

	/**
	 * Runs a request body.
	 * @param body the raw body
	 * @return the response body, or {@code null} when nothing is to be returned (only
	 * notifications)
	 */
	@Nullable JsonNode dispatch(String body) {
		JsonNode request;
		try {
			request = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return error(null, new RpcError(RpcError.PARSE_ERROR, "Parse error", null));
		}
		if (request == null || request.isMissingNode()) {
			return error(null, new RpcError(RpcError.PARSE_ERROR, "Parse error", null));
		}
		if (request.isArray()) {
			if (request.isEmpty()) {
				return error(null, new RpcError(RpcError.INVALID_REQUEST, "Invalid Request", null));
			}
			ArrayNode responses = JsonNodeFactory.instance.arrayNode();
			for (JsonNode element : request) {
				JsonNode response = call(element);
				if (response != null) {
					responses.add(response);
				}
			}
			return responses.isEmpty() ? null : responses;
		}
		return call(request);
	}

	private @Nullable JsonNode call(JsonNode request) {
		if (!request.isObject()) {
			return error(null, new RpcError(RpcError.INVALID_REQUEST, "Invalid Request", null));
		}
		JsonNode id = request.get("id");
		boolean notification = !request.has("id");
		if (id != null && !(id.isString() || id.isNumber() || id.isNull())) {
			return error(null, new RpcError(RpcError.INVALID_REQUEST, "Invalid Request", null));
		}
		JsonNode version = request.get("jsonrpc");
		JsonNode method = request.get("method");
		JsonNode params = request.get("params");
		if (version == null || !version.isString() || !"2.0".equals(version.stringValue()) || method == null
				|| !method.isString() || (params != null && !params.isContainer())) {
			return error(id, new RpcError(RpcError.INVALID_REQUEST, "Invalid Request", null));
		}
		try {
			Object result = invoke(method.stringValue(), params);
			if (notification) {
				return null;
			}
			ObjectNode response = envelope(id);
			// written straight from the records when the response is written (with this
			// same mapper), not copied into a tree first: apps.list's 500 entries made
			// about 10,000 nodes on every call
			response.putPOJO("result", result);
			return response;
		}
		catch (RpcError ex) {
			return notification ? null : error(id, ex);
		}
	}

	/**
	 * Runs one call: the one place where the caller's role is checked (before anything
	 * else, forwarding to a node included) and where every state-changing call, and every
	 * refused one, is recorded in the audit log. A viewer's {@code apps.get} shows no
	 * value of the operator's environment ({@link EnvValues}), whether the app is here or
	 * on a node.
	 */
	private @Nullable Object invoke(String name, @Nullable JsonNode params) {
		RpcMethodRegistry.Handler handler = this.registry.find(name);
		if (handler == null) {
			throw new RpcError(RpcError.METHOD_NOT_FOUND, "Method not found", new RpcError.MethodNotFound(name));
		}
		Caller caller = this.callers.current();
		RpcMethod rule = handler.rule();
		Instant started = Instant.now();
		long start = System.nanoTime();
		// a copy: forwarding to a node takes the node member out
		JsonNode recorded = (params != null) ? params.deepCopy() : null;
		try {
			RpcAccess.check(name, rule, caller);
			Object result = execute(handler, name, params);
			if (EnvValues.hidden(name, caller)) {
				result = EnvValues.masked(result);
			}
			if (!rule.readOnly()) {
				record(AuditEntry.ok(started, principal(caller), user(caller), role(caller), name,
						this.auditParams.of(name, recorded), Duration.ofNanos(System.nanoTime() - start)));
			}
			return result;
		}
		catch (RpcError ex) {
			if (!rule.readOnly() || ex.code() == ErrorKind.FORBIDDEN.code()) {
				record(AuditEntry.failed(started, principal(caller), user(caller), role(caller), name,
						this.auditParams.of(name, recorded), ex.code(), String.valueOf(ex.getMessage()),
						Duration.ofNanos(System.nanoTime() - start)));
			}
			throw ex;
		}
	}

	private void record(AuditEntry entry) {
		this.audit.record(entry);
	}

	private static String principal(@Nullable Caller caller) {
		return (caller != null) ? caller.principal() : "anonymous";
	}

	private static @Nullable String user(@Nullable Caller caller) {
		return (caller != null) ? caller.user() : null;
	}

	private static @Nullable String role(@Nullable Caller caller) {
		return (caller != null) ? caller.role().value() : null;
	}

	private @Nullable Object execute(RpcMethodRegistry.Handler handler, String name, @Nullable JsonNode params) {
		// nodes: a call whose params name a remote node runs on that node's agent
		try {
			String node = this.nodes.target(name, params);
			if (node != null) {
				return this.nodes.forward(node, name, (ObjectNode) params);
			}
		}
		catch (RuntimeException ex) {
			throw translate(name, ex);
		}
		Object[] args = (handler.paramsType() != null) ? new Object[] { bind(handler, params) } : new Object[0];
		try {
			Object result = handler.method().invoke(handler.bean(), args);
			// nodes: the apps of every node join this server's
			return "apps.list".equals(name) ? listed(this.nodes.withNodeApps(result)) : result;
		}
		catch (InvocationTargetException ex) {
			throw translate(name, ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw translate(name, ex);
		}
	}

	/**
	 * {@code apps.list}'s answer as the JSON text {@link ListingText} keeps while its
	 * entries stay the same; with a node's apps (JSON from the node) as it is.
	 */
	private @Nullable Object listed(@Nullable Object result) {
		if (result instanceof List<?> list && list.stream().allMatch(AppSummary.class::isInstance)) {
			@SuppressWarnings("unchecked")
			List<AppSummary> entries = (List<AppSummary>) list;
			return this.listing.json(entries);
		}
		return result;
	}

	private Object bind(RpcMethodRegistry.Handler handler, @Nullable JsonNode params) {
		RecordComponent[] components = handler.components();
		ObjectNode named;
		if (params == null) {
			named = JsonNodeFactory.instance.objectNode();
		}
		else if (params.isArray() && components.length == 1 && components[0].getType() == List.class) {
			// a record of one list takes a positional array whole: sum([1, 2, 4])
			named = JsonNodeFactory.instance.objectNode();
			named.set(jsonName(components[0]), params);
		}
		else if (params.isArray()) {
			if (params.size() > components.length) {
				throw RpcError.invalidParams(
						"expected at most " + components.length + " positional params, got " + params.size());
			}
			named = JsonNodeFactory.instance.objectNode();
			for (int i = 0; i < params.size(); i++) {
				named.set(jsonName(components[i]), params.get(i));
			}
		}
		else {
			named = (ObjectNode) params;
		}
		List<String> missing = new ArrayList<>();
		for (RecordComponent component : components) {
			JsonNode value = named.get(jsonName(component));
			if ((value == null || value.isNull()) && !isNullable(component)) {
				missing.add(jsonName(component));
			}
		}
		if (!missing.isEmpty()) {
			throw RpcError.invalidParams("missing required param(s): " + String.join(", ", missing),
					missing.stream().map((name) -> new ProblemView(name, "required")).toList());
		}
		List<ProblemView> mistyped = ParamTypes.errors(handler.paramsType(), named);
		if (!mistyped.isEmpty()) {
			throw RpcError.invalidParams(String.join("; ",
					mistyped.stream().map((problem) -> "'" + problem.path() + "' " + problem.message()).toList()),
					mistyped);
		}
		try {
			return this.mapper.readerFor(handler.paramsType())
				.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				.readValue(named);
		}
		catch (UnrecognizedPropertyException ex) {
			// the caller's words, not Jackson's (which name the Java class of the params)
			String expected = String.join(", ",
					ex.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
			throw RpcError.invalidParams("unknown param '" + path(ex) + "': expected one of " + expected,
					List.of(new ProblemView(path(ex), "unknown param; expected one of " + expected)));
		}
		catch (JacksonException ex) {
			throw RpcError.invalidParams(ex.getOriginalMessage(),
					ex.getPath().isEmpty() ? null : List.of(new ProblemView(path(ex), ex.getOriginalMessage())));
		}
		catch (IllegalArgumentException ex) {
			// a record's compact constructor rejected a value
			throw RpcError.invalidParams(String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * A param's path as {@code data.errors} writes it: {@code env.PORT},
	 * {@code hostnames[1]}.
	 */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return (path.length() > 0) ? path.toString() : "params";
	}

	private static String jsonName(RecordComponent component) {
		return ParamTypes.jsonName(component);
	}

	private static boolean isNullable(RecordComponent component) {
		return component.getAnnotatedType().isAnnotationPresent(Nullable.class)
				|| component.isAnnotationPresent(Nullable.class);
	}

	private RpcError translate(String method, Throwable failure) {
		if (failure instanceof RpcError error) {
			return error;
		}
		if (failure instanceof PyappException ex) {
			RpcError.ErrorData data = new RpcError.ErrorData(ex.getKind().type(),
					ex.getProblems().isEmpty() ? null : ex.getProblems().stream().map(ProblemView::of).toList(),
					RpcError.log(ex), (ex.getKind() == ErrorKind.FAILED) ? ReleaseWrites.hint(ex.getLog()) : null);
			return new RpcError(ex.getKind().code(), String.valueOf(ex.getMessage()), data);
		}
		if (failure instanceof JacksonException || failure.getCause() instanceof JacksonException) {
			return RpcError.invalidParams(failure.getMessage());
		}
		logger.error("RPC method {} failed", method, failure);
		return new RpcError(RpcError.INTERNAL_ERROR, "Internal error",
				new RpcError.Detail("internal", failure.getClass().getSimpleName() + ": " + failure.getMessage()));
	}

	private ObjectNode error(@Nullable JsonNode id, RpcError error) {
		ObjectNode response = envelope(id);
		ObjectNode body = response.putObject("error");
		body.put("code", error.code());
		body.put("message", error.getMessage());
		if (error.data() != null) {
			body.set("data", this.mapper.valueToTree(error.data()));
		}
		return response;
	}

	private static ObjectNode envelope(@Nullable JsonNode id) {
		ObjectNode response = JsonNodeFactory.instance.objectNode();
		response.put("jsonrpc", "2.0");
		if (id == null) {
			response.putNull("id");
		}
		else {
			response.set("id", id);
		}
		return response;
	}

}
