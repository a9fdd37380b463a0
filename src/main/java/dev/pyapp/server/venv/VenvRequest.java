package dev.pyapp.server.venv;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What {@link VenvBuilder#build} builds: the environment of one extracted release.
 *
 * @param app the app
 * @param release the release's directory (with {@code src/} and maybe {@code deps/})
 * @param python the app's PEP 440 interpreter specifier, or {@code null} for any
 * @param requirements its dependencies
 * @param output receives each line pip prints, as it prints it
 * @param interpreter what the interpreter must be beyond {@code python}, or {@code null}
 * @param isolation how the build's processes ({@code python -m venv}, pip) are kept
 * apart, given the host interpreter the environment is made from: the app's user and
 * sandbox
 * @param live the directory of the app's live release, whose environment the build may
 * start from when the dependencies are the same ({@code pyapp.python.reuse-environment}),
 * or {@code null} (a first install)
 */
public record VenvRequest(AppId app, Path release, @Nullable String python, List<Requirement> requirements,
		Consumer<String> output, @Nullable InterpreterConstraint interpreter, Function<Path, Isolation> isolation,
		@Nullable Path live) {

	public VenvRequest {
		Assert.notNull(app, "'app' must not be null");
		Assert.notNull(release, "'release' must not be null");
		Assert.notNull(isolation, "'isolation' must not be null");
		requirements = List.copyOf(requirements);
	}

	/**
	 * A build that starts from nothing.
	 */
	public VenvRequest(AppId app, Path release, @Nullable String python, List<Requirement> requirements,
			Consumer<String> output, @Nullable InterpreterConstraint interpreter, Function<Path, Isolation> isolation) {
		this(app, release, python, requirements, output, interpreter, isolation, null);
	}

	/**
	 * A build run as the server's own user, with no sandbox, from nothing.
	 */
	public VenvRequest(AppId app, Path release, @Nullable String python, List<Requirement> requirements,
			Consumer<String> output) {
		this(app, release, python, requirements, output, null, (interpreter) -> Isolation.none(), null);
	}

	/**
	 * One dependency.
	 *
	 * @param requirement a PEP 508 requirement string
	 * @param shared whether it goes into {@code server-packages/} (scope {@code shared})
	 * rather than the app's own environment
	 */
	public record Requirement(String requirement, boolean shared) {
	}

}
