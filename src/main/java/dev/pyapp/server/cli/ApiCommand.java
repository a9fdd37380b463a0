package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.cli.internal.RpcClient;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The base of every command: the API client of the root {@link PyappCli}, the output
 * writers of picocli (so that tests capture them) and the {@code --json} switch.
 */
abstract class ApiCommand implements Callable<Integer> {

	/**
	 * How the server's JSON-RPC layer refuses a param its params record does not have
	 * (Jackson's {@code UnrecognizedPropertyException}, in {@code data.detail} of
	 * {@code -32602}; Jackson 2 said "field").
	 */
	private static final Pattern UNKNOWN_PARAM = Pattern.compile("^Unrecognized (?:property|field) \"([^\"]+)\"");

	@Spec
	CommandSpec spec;

	PyappCli cli() {
		return (PyappCli) this.spec.root().userObject();
	}

	RpcClient client() {
		return cli().client();
	}

	PrintWriter out() {
		return this.spec.commandLine().getOut();
	}

	PrintWriter err() {
		return this.spec.commandLine().getErr();
	}

	boolean json() {
		return cli().json();
	}

	JsonNode call(String method, @Nullable JsonNode params) throws InterruptedException {
		return client().call(method, params);
	}

	/**
	 * Builds params from names and values, leaving out {@code null} values.
	 * @param namesAndValues name, value, name, value, ...
	 * @return the params object
	 */
	ObjectNode params(@Nullable Object... namesAndValues) {
		ObjectNode params = cli().codec().objectNode();
		for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
			Object value = namesAndValues[i + 1];
			if (value instanceof JsonNode node) {
				params.set(String.valueOf(namesAndValues[i]), node);
			}
			else if (value instanceof Collection<?> || value instanceof Number || value instanceof Boolean
					|| value instanceof String) {
				params.set(String.valueOf(namesAndValues[i]), cli().codec().valueToTree(value));
			}
			else if (value != null) {
				throw new IllegalArgumentException("unsupported param type " + value.getClass().getName());
			}
		}
		return params;
	}

	/**
	 * Prints a result: raw JSON with {@code --json}, else as the command renders it.
	 * @param result the result
	 * @param human the human rendering
	 * @return exit code 0
	 */
	int show(JsonNode result, Renderer human) {
		if (json()) {
			printJson(result);
		}
		else {
			human.render(result);
		}
		out().flush();
		return 0;
	}

	void printJson(JsonNode result) {
		out().println(cli().pretty(result));
	}

	/**
	 * The result as a list: a JSON array, or {@code field} of an object.
	 * @param result the result
	 * @param field the field holding the list in an object result
	 * @return the list, empty if there is none
	 */
	static JsonNode list(JsonNode result, String field) {
		if (result.isArray()) {
			return result;
		}
		JsonNode items = result.get(field);
		return (items != null && items.isArray()) ? items : JsonNodeFactory.instance.arrayNode();
	}

	/**
	 * The param a server refused as unknown: what a server older than this CLI answers
	 * for a param added since.
	 * @param ex the server's answer
	 * @return the param's name, or {@code null} when the answer is another error
	 */
	static @Nullable String unknownParam(CliApiException ex) {
		JsonNode data = ex.data();
		if (ex.code() != -32602 || data == null || !"invalid-params".equals(data.path("type").asString(""))) {
			return null;
		}
		for (JsonNode error : data.path("errors")) {
			if (error.path("message").asString("").startsWith("unknown param") && error.path("path").isString()) {
				return error.path("path").asString();
			}
		}
		// a server from before data.errors named unknown params only in Jackson's words
		Matcher matcher = UNKNOWN_PARAM.matcher(data.path("detail").asString(""));
		return matcher.find() ? matcher.group(1) : null;
	}

	ParameterException usage(String message) {
		return new ParameterException(this.spec.commandLine(), message);
	}

	/**
	 * Renders a result for people.
	 */
	@FunctionalInterface
	interface Renderer {

		void render(JsonNode result);

	}

}
