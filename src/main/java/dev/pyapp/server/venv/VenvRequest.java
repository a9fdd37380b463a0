package dev.pyapp.server.venv;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import dev.pyapp.server.core.AppId;
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
 */
public record VenvRequest(AppId app, Path release, @Nullable String python, List<Requirement> requirements,
		Consumer<String> output, @Nullable InterpreterConstraint interpreter) {

	public VenvRequest {
		Assert.notNull(app, "'app' must not be null");
		Assert.notNull(release, "'release' must not be null");
		requirements = List.copyOf(requirements);
	}

	public VenvRequest(AppId app, Path release, @Nullable String python, List<Requirement> requirements,
			Consumer<String> output) {
		this(app, release, python, requirements, output, null);
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
