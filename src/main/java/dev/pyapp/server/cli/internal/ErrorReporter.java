package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

import dev.pyapp.server.cli.CliApiException;
import dev.pyapp.server.cli.CliException;
import dev.pyapp.server.cli.CliUsageException;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prints a failed command's error as one readable line on stderr, never a stack trace:
 * {@code error: <message>}, then each field error as {@code   path: message}, a failed
 * deploy's cause and what still serves, and the failing step's {@code data.log},
 * indented. Exit code 1 (130 when interrupted); 2 for a usage error found while the
 * command ran ({@link CliUsageException}: a file named on the command line that cannot be
 * read).
 * <p>
 * With {@code --json}, an error the server answered is also printed on stdout, as the
 * JSON-RPC error object it sent ({@code {"error": {"code", "message", "data"}}}), so that
 * a script reads the same stream whether the call succeeded or not. Other failures (usage
 * errors, an unreachable server, a missing token) print nothing on stdout.
 */
public final class ErrorReporter implements IExecutionExceptionHandler {

	public static final int API_ERROR = 1;

	public static final int USAGE_ERROR = 2;

	static final int INTERRUPTED = 130;

	private final BooleanSupplier json;

	/**
	 * Creates a reporter that prints nothing on stdout.
	 */
	public ErrorReporter() {
		this(() -> false);
	}

	/**
	 * Creates a reporter.
	 * @param json whether {@code --json} was given (read once the command failed)
	 */
	public ErrorReporter(BooleanSupplier json) {
		this.json = json;
	}

	@Override
	public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
		PrintWriter err = commandLine.getErr();
		if (ex instanceof InterruptedException) {
			err.println("error: interrupted");
			err.flush();
			return INTERRUPTED;
		}
		if (ex instanceof CliApiException api && this.json.getAsBoolean()) {
			PrintWriter out = commandLine.getOut();
			out.println(new JsonCodec().pretty(errorObject(api)));
			out.flush();
		}
		err.println("error: " + message(ex));
		if (ex instanceof CliUsageException) {
			err.flush();
			return USAGE_ERROR;
		}
		if (ex instanceof CliApiException api && api.data() != null) {
			details(err, api.data());
		}
		if (ex instanceof PyappException local) {
			// pyapp package: the server's own rules, run here
			local.getProblems()
				.forEach((problem) -> err.println("  " + Text.clean(problem.path() + ": " + problem.message())));
		}
		err.flush();
		return API_ERROR;
	}

	/**
	 * The error as the server sent it: {@code code}, {@code message} and {@code data}
	 * unchanged; for a refusal of the HTTP layer (no JSON-RPC error), code {@code 0}, the
	 * message and {@code http_status}, with the body it sent as {@code data}.
	 */
	private static ObjectNode errorObject(CliApiException api) {
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", api.code());
		error.put("message", api.getMessage());
		if (api.code() == 0) {
			error.put("http_status", api.httpStatus());
		}
		if (api.data() != null) {
			error.set("data", api.data());
		}
		ObjectNode root = JsonNodeFactory.instance.objectNode();
		root.set("error", error);
		return root;
	}

	private static String message(Exception ex) {
		if (ex instanceof CliApiException api) {
			return Text.clean(api.getMessage() + detail(api.getMessage(), api.data()));
		}
		if (ex instanceof CliException || ex instanceof PyappException) {
			return Text.clean(String.valueOf(ex.getMessage()));
		}
		if (ex instanceof UncheckedIOException || ex instanceof IOException) {
			Throwable cause = (ex instanceof UncheckedIOException) ? ex.getCause() : ex;
			return Text.clean(cause.getClass().getSimpleName() + ": " + cause.getMessage());
		}
		// a bug of ours: still one line, with enough to report it
		return Text.clean("unexpected " + ex.getClass().getName() + ": " + ex.getMessage());
	}

	/**
	 * What the standard errors add in {@code data}: the reason params were invalid, the
	 * unknown method's name. Nothing the message already says: a refusal for a missing
	 * role names its method in the message and again in {@code data.method}.
	 */
	private static String detail(@Nullable String message, @Nullable JsonNode data) {
		if (data == null) {
			return "";
		}
		JsonNode detail = data.get("detail");
		if (detail == null || !detail.isString()) {
			detail = data.get("method");
		}
		if (detail == null || !detail.isString() || detail.stringValue().isEmpty()
				|| (message != null && message.contains(detail.stringValue()))) {
			return "";
		}
		return ": " + detail.stringValue();
	}

	/**
	 * A failed install, upgrade or rollback: the root cause the server found in what the
	 * release printed ({@code data.cause.summary}), what to do about it when the server
	 * knows ({@code data.hint}) and what still serves ({@code data.live}), before the
	 * long log they would be buried in.
	 */
	private static void deploy(PrintWriter err, JsonNode data) {
		JsonNode app = data.get("app");
		if (app == null || !app.isString()) {
			// a failure outside a deploy (a hook run by config.set) may have a hint too
			hint(err, data);
			return;
		}
		JsonNode cause = data.get("cause");
		JsonNode summary = (cause != null && cause.isObject()) ? cause.get("summary") : null;
		if (summary != null && summary.isString() && !summary.stringValue().isBlank()) {
			err.println("  cause: " + Text.clean(summary.stringValue()));
		}
		hint(err, data);
		if (data.has("live")) {
			JsonNode live = data.get("live");
			if (live == null || !live.isObject()) {
				err.println("  live: nothing (" + Text.clean(app.stringValue()) + " is not serving)");
			}
			else {
				// a server older than this CLI sends no "serving": its live release
				// served
				boolean serving = !live.has("serving") || live.get("serving").asBoolean(true);
				String release = app.stringValue() + " " + Text.cell(live.get("version")) + " (release "
						+ Text.cell(live.get("release")) + ")";
				err.println("  live: " + Text.clean(serving ? release + " still serves"
						: release + ", which is not running (" + app.stringValue() + " serves nothing)"));
			}
		}
	}

	private static void hint(PrintWriter err, JsonNode data) {
		JsonNode hint = data.get("hint");
		if (hint != null && hint.isString() && !hint.stringValue().isBlank()) {
			err.println("  hint: " + Text.clean(hint.stringValue()));
		}
	}

	private static void details(PrintWriter err, JsonNode data) {
		JsonNode errors = data.get("errors");
		// invalid params: their detail, on the first line, already names each one
		boolean named = "invalid-params".equals(data.path("type").asString("")) && data.path("detail").isString();
		if (errors != null && errors.isArray() && !named) {
			for (JsonNode error : errors) {
				String path = Text.cell(error.get("path"));
				String message = Text.cell(error.get("message"));
				err.println("  " + (("-".equals(path) || path.isEmpty()) ? message : path + ": " + message));
			}
		}
		deploy(err, data);
		JsonNode log = data.get("log");
		if (log != null && log.isString() && !log.stringValue().isBlank()) {
			err.println("  log:");
			for (String line : log.stringValue().strip().split("\\R")) {
				err.println("    " + Text.clean(line));
			}
		}
	}

}
