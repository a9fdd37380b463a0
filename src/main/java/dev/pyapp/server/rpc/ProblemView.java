package dev.pyapp.server.rpc;

import dev.pyapp.server.core.Problem;

/**
 * One problem in a result or an error's {@code errors} list (SPEC §6).
 *
 * @param path where: {@code section.field}, a file in an archive, a param's name
 * @param message what is wrong there
 */
record ProblemView(String path, String message) {

	static ProblemView of(Problem problem) {
		return new ProblemView(problem.path(), problem.message());
	}

}
