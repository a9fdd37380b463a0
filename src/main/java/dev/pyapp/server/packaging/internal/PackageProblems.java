package dev.pyapp.server.packaging.internal;

import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;

/**
 * The exception that reports the problems found in a package: its message names the first
 * and counts the others.
 */
public final class PackageProblems {

	private PackageProblems() {
	}

	/**
	 * @param problems every problem found
	 * @return an {@code INVALID} exception listing them
	 */
	public static PyappException invalid(List<Problem> problems) {
		String summary = problems.isEmpty() ? "invalid package"
				: "invalid package: " + problems.get(0) + ((problems.size() > 1)
						? " (and " + (problems.size() - 1) + " more problem" + ((problems.size() > 2) ? "s)" : ")")
						: "");
		return PyappException.invalid(summary, problems);
	}

}
