package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Role;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator's environment variables ({@code apps.env.set}) often hold credentials
 * ({@code DATABASE_URL} with a password, API keys): {@code apps.get} shows their values
 * only to callers who may change them (deployer, admin; the UI edits them). A viewer gets
 * every name with the value {@code "***"}, so the field keeps its shape ({@code {NAME:
 * text}}). Applied by the dispatcher to the app's own result and to a node's
 * ({@code apps.get {node}}), whose agent answers with its own admin token.
 */
final class EnvValues {

	/** What a viewer sees instead of a value. */
	static final String MASK = "***";

	private EnvValues() {
	}

	/**
	 * Whether a call's result must have its environment values masked.
	 * @param method the method
	 * @param caller the caller, or {@code null} when unknown
	 * @return whether it must
	 */
	static boolean hidden(String method, @Nullable Caller caller) {
		return "apps.get".equals(method) && (caller == null || !caller.role().includes(Role.DEPLOYER));
	}

	/**
	 * A result with the values of its {@code env} replaced by {@link #MASK}.
	 * @param result {@code apps.get}'s answer: an {@link AppDetails} of this server, or
	 * the JSON of a node's
	 * @return the masked copy (the result itself when it has no values)
	 */
	static @Nullable Object masked(@Nullable Object result) {
		if (result instanceof AppDetails.Installed installed) {
			return installed.withEnv(masked(installed.env()));
		}
		if (result instanceof ObjectNode node && node.has("env")) {
			ObjectNode copy = node.deepCopy();
			ObjectNode values = copy.putObject("env");
			// anything but an object of names is not what an agent answers: nothing of it
			// is kept
			if (node.get("env") instanceof ObjectNode env) {
				env.propertyNames().stream().sorted().forEach((name) -> values.put(name, MASK));
			}
			return copy;
		}
		// AppDetails.Installing has no variables yet
		return result;
	}

	/**
	 * A variable's name as a refusal or the audit log shows it: what follows a {@code =}
	 * (a {@code NAME=value} given where a name belongs) may be a secret, so it is left
	 * out ({@code DATABASE_URL=…}).
	 * @param name the name given
	 * @return the name, or its part before {@code =}
	 */
	static String shown(String name) {
		int equals = name.indexOf('=');
		return (equals < 0) ? name : name.substring(0, equals) + "=…";
	}

	static Map<String, String> masked(Map<String, String> env) {
		Map<String, String> masked = new LinkedHashMap<>();
		env.keySet().stream().sorted().forEach((name) -> masked.put(name, MASK));
		return masked;
	}

}
