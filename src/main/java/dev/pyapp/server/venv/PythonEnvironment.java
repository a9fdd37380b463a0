package dev.pyapp.server.venv;

import java.nio.file.Path;

import dev.pyapp.server.core.AppPaths;

/**
 * A release's built environment.
 *
 * @param interpreter the host interpreter it was created from
 * @param venv the venv directory ({@code <release>/venv})
 * @param python the venv's interpreter, which every app process runs
 * @param workingDirectory the release's {@code src/}, the working directory of every app
 * process
 * @param log the file holding everything the build printed
 */
public record PythonEnvironment(PythonInterpreter interpreter, Path venv, Path python, Path workingDirectory,
		Path log) {

	/**
	 * The environment of a release built earlier (its venv is kept with the release).
	 * @param release the release's directory
	 * @return its environment (the interpreter is only known by its venv's path)
	 */
	public static PythonEnvironment of(Path release) {
		Path venv = AppPaths.venv(release);
		Path python = venv.resolve("bin").resolve("python");
		return new PythonEnvironment(new PythonInterpreter(python, "", null, "", ""), venv, python,
				release.resolve("src"), release.resolve("build.log"));
	}

}
