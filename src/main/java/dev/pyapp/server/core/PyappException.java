package dev.pyapp.server.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error a module reports to a caller. The adapters ({@code rpc},
 * {@code ui}, {@code cli}) translate it once, at the edge, by its {@link ErrorKind}.
 */
public class PyappException extends RuntimeException {

	private final ErrorKind kind;

	private final List<Problem> problems;

	private final @Nullable String log;

	public PyappException(ErrorKind kind, String message) {
		this(kind, message, List.of(), null, null);
	}

	public PyappException(ErrorKind kind, String message, @Nullable Throwable cause) {
		this(kind, message, List.of(), null, cause);
	}

	protected PyappException(ErrorKind kind, String message, List<Problem> problems, @Nullable String log,
			@Nullable Throwable cause) {
		super(message, cause);
		this.kind = kind;
		this.problems = List.copyOf(problems);
		this.log = log;
	}

	/**
	 * An {@link ErrorKind#INVALID} error listing every problem found.
	 * @param message a summary, such as "invalid archive"
	 * @param problems every problem, at least one
	 * @return the exception
	 */
	public static PyappException invalid(String message, List<Problem> problems) {
		return new PyappException(ErrorKind.INVALID, message, problems, null, null);
	}

	/**
	 * An {@link ErrorKind#FAILED} error with what the failing step printed.
	 * @param message which step failed
	 * @param log the step's output (may be empty)
	 * @return the exception
	 */
	public static PyappException failed(String message, @Nullable String log) {
		return new PyappException(ErrorKind.FAILED, message, List.of(), log, null);
	}

	public static PyappException notFound(String message) {
		return new PyappException(ErrorKind.NOT_FOUND, message);
	}

	public static PyappException conflict(String message) {
		return new PyappException(ErrorKind.CONFLICT, message);
	}

	public ErrorKind getKind() {
		return this.kind;
	}

	public List<Problem> getProblems() {
		return this.problems;
	}

	public @Nullable String getLog() {
		return this.log;
	}

}
