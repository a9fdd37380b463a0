package dev.pyapp.server.scm.internal;

import java.util.Locale;

import org.eclipse.jgit.api.errors.InvalidRemoteException;

/**
 * One sentence for a person about a repository that could not be cloned or fetched,
 * instead of JGit's own wording ("Invalid remote: origin").
 */
public final class GitErrors {

	private GitErrors() {
	}

	/**
	 * @param url the repository's URL
	 * @param failure what JGit threw
	 * @return the sentence
	 */
	public static String unreachable(String url, Throwable failure) {
		String root = rootMessage(failure);
		String lower = root.toLowerCase(Locale.ROOT);
		if (failure instanceof InvalidRemoteException || lower.contains("invalid remote") || lower.contains("not found")
				|| lower.contains("repository not found")) {
			return "no git repository was found at " + url + ": check the URL";
		}
		if (lower.contains("not authorized") || lower.contains("authentication") || lower.contains("401")
				|| lower.contains("403")) {
			return "the repository at " + url + " refused access: it needs a token";
		}
		if (lower.contains("unknownhost") || lower.contains("unknown host") || lower.contains("connection refused")
				|| lower.contains("timed out") || lower.contains("cannot open") || lower.contains("unreachable")) {
			return "the repository at " + url + " cannot be reached (" + root + ")";
		}
		return "the repository at " + url + " cannot be read: " + root;
	}

	private static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		String message = failure.getMessage();
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
			if (cause.getMessage() != null) {
				message = cause.getClass().getSimpleName().contains("UnknownHost")
						? "unknown host " + cause.getMessage() : cause.getMessage();
			}
		}
		return (message != null) ? message : failure.getClass().getSimpleName();
	}

}
