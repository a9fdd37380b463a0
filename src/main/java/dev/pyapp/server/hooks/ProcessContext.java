package dev.pyapp.server.hooks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.ExecRequest;

import org.springframework.util.Assert;

/**
 * Where and how an app process runs (SPEC §3, §9): the release's venv interpreter, its
 * {@code src/} as working directory and the app's environment variables. The same for the
 * gunicorn daemon, every hook and every task.
 *
 * @param app the app
 * @param release the release id
 * @param python the release's venv interpreter
 * @param workingDirectory the release's {@code src/}
 * @param environment {@code PYAPP_*} variables and the operator's own
 */
public record ProcessContext(AppId app, String release, Path python, Path workingDirectory,
		Map<String, String> environment) {

	public ProcessContext {
		Assert.notNull(app, "'app' must not be null");
		Assert.hasText(release, "'release' must have text");
		environment = Map.copyOf(environment);
	}

	/**
	 * A command to run in this context: in {@link #workingDirectory()}, with exactly
	 * {@link #environment()} (nothing of the server's own beyond {@code PATH},
	 * {@code HOME} and the locale). The one place an app process's request is built: the
	 * daemon, hooks, tasks and {@code apps.run} all start from it, so whatever confines
	 * an app's processes applies to each of them alike.
	 * @param command the program and its arguments
	 * @return the request, with the default timeout
	 */
	public ExecRequest request(List<String> command) {
		return ExecRequest.of(command).in(this.workingDirectory).withEnvironment(this.environment, false);
	}

}
