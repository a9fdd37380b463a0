package dev.pyapp.server.hooks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.Isolation;

import org.springframework.util.Assert;

/**
 * Where and how an app process runs (SPEC §3, §9): the release's venv interpreter, its
 * {@code src/} as working directory, the app's environment variables, and how the process
 * is kept apart (its user, sandbox, limits and cgroup). The same for the gunicorn daemon,
 * every hook and every task.
 *
 * @param app the app
 * @param release the release id
 * @param python the release's venv interpreter
 * @param workingDirectory the release's {@code src/}
 * @param environment {@code PYAPP_*} variables and the operator's own
 * @param isolation the app's user, sandbox, limits and cgroup
 */
public record ProcessContext(AppId app, String release, Path python, Path workingDirectory,
		Map<String, String> environment, Isolation isolation) {

	public ProcessContext {
		Assert.notNull(app, "'app' must not be null");
		Assert.hasText(release, "'release' must have text");
		Assert.notNull(isolation, "'isolation' must not be null");
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
		return ExecRequest.of(command)
			.in(this.workingDirectory)
			.withEnvironment(this.environment, false)
			.isolated(this.isolation);
	}

}
