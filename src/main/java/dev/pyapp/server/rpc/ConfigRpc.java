package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.ValidationResult;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;

/**
 * {@code config.*}: an app's configuration (SPEC §6, §9). Values travel nested,
 * {@code {section: {field: value}}}; secrets are never returned, only {@code {"set":
 * true|false}}.
 */
@RpcEndpoint
class ConfigRpc {

	private final AppConfigurator configurator;

	ConfigRpc(AppConfigurator configurator) {
		this.configurator = configurator;
	}

	/**
	 * @return {@code {name, format, output, complete, sections: [{name, label, help,
	 * fields: [{name, widget, type, label, help, required, secret, default, options,
	 * validation, template}]}]}}
	 */
	@RpcMethod(value = "config.spec", role = Role.VIEWER, readOnly = true)
	Map<String, Object> spec(AppParams params) {
		AppId app = AppId.of(params.name());
		ConfigSpec spec = this.configurator.spec(app);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", app.value());
		result.putAll(spec.describe());
		return result;
	}

	/**
	 * @return {@code {values, complete}}
	 */
	@RpcMethod(value = "config.get", role = Role.VIEWER, readOnly = true)
	Map<String, Object> get(AppParams params) {
		AppId app = AppId.of(params.name());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("values", this.configurator.values(app));
		result.put("complete", this.configurator.isComplete(app));
		return result;
	}

	/**
	 * @return {@code {valid, errors: [{path, message}]}}
	 */
	@RpcMethod(value = "config.validate", role = Role.VIEWER, readOnly = true)
	Map<String, Object> validate(ValuesParams params) {
		ValidationResult result = this.configurator.validate(AppId.of(params.name()), params.values());
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("valid", result.valid());
		view.put("errors",
				result.errors()
					.stream()
					.map((problem) -> Map.of("path", problem.path(), "message", problem.message()))
					.toList());
		return view;
	}

	/**
	 * Saves valid values (else -32002 with every error); the app restarts gracefully.
	 * @return {@code {saved: true, values, complete}}
	 */
	@RpcMethod(value = "config.set", role = Role.DEPLOYER)
	Map<String, Object> set(ValuesParams params) {
		AppId app = AppId.of(params.name());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("saved", true);
		result.put("values", this.configurator.set(app, params.values()));
		result.put("complete", this.configurator.isComplete(app));
		return result;
	}

	private static Map<String, String> error(Problem problem) {
		Map<String, String> error = new LinkedHashMap<>();
		error.put("path", problem.path());
		error.put("message", problem.message());
		return error;
	}

	/**
	 * @param name the app
	 * @param values nested {@code {section: {field: value}}}
	 */
	record ValuesParams(String name, Map<String, Object> values) {
	}

}
