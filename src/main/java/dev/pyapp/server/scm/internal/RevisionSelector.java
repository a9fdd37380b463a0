package dev.pyapp.server.scm.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.Pep440Version;
import dev.pyapp.server.scm.GitRevision;
import dev.pyapp.server.scm.GitSource;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.jspecify.annotations.Nullable;

/**
 * The three strategies over the refs of a mirror.
 */
public final class RevisionSelector {

	private final Repository repository;

	private final GitSource source;

	public RevisionSelector(Repository repository, GitSource source) {
		this.repository = repository;
		this.source = source;
	}

	public GitRevision select() {
		try {
			switch (this.source.strategy()) {
				case ONE_BRANCH:
					return branchHead(Constants.R_HEADS + this.source.branch(), "git.branch");
				case LATEST_TAG:
					return latestTag();
				default:
					return defaultBranchHead();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the refs of " + this.source.url(), ex);
		}
	}

	public static boolean follows(@Nullable Repository repository, GitSource source, String ref) {
		switch (source.strategy()) {
			case ONE_BRANCH:
				return ref.equals(Constants.R_HEADS + source.branch());
			case LATEST_TAG:
				if (!ref.startsWith(Constants.R_TAGS)) {
					return false;
				}
				Pep440Version version = tagVersion(ref.substring(Constants.R_TAGS.length()), source);
				return version != null && (source.prereleases() || !version.isPrerelease());
			default:
				try {
					Ref head = (repository != null) ? repository.exactRef(Constants.HEAD) : null;
					return head != null && head.isSymbolic() && head.getTarget().getName().equals(ref);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
		}
	}

	private GitRevision defaultBranchHead() throws IOException {
		Ref head = this.repository.exactRef(Constants.HEAD);
		if (head == null || head.getObjectId() == null) {
			throw PyappException.invalid("empty repository", List.of(new Problem("git.url",
					"the repository " + this.source.url() + " has no default branch with a commit")));
		}
		String ref = head.isSymbolic() ? head.getTarget().getName() : Constants.HEAD;
		return new GitRevision(commitOf(head.getObjectId()).name(), ref);
	}

	private GitRevision branchHead(String ref, String path) throws IOException {
		Ref branch = this.repository.exactRef(ref);
		if (branch == null || branch.getObjectId() == null) {
			List<String> names = this.repository.getRefDatabase()
				.getRefsByPrefix(Constants.R_HEADS)
				.stream()
				.map((r) -> r.getName().substring(Constants.R_HEADS.length()))
				.toList();
			throw PyappException.invalid("no such branch", List.of(new Problem(path, "the repository "
					+ this.source.url() + " has no branch '" + this.source.branch() + "' (it has: " + names + ")")));
		}
		return new GitRevision(commitOf(branch.getObjectId()).name(), ref);
	}

	private GitRevision latestTag() throws IOException {
		Ref best = null;
		Pep440Version bestVersion = null;
		for (Ref tag : this.repository.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
			Pep440Version version = tagVersion(tag.getName().substring(Constants.R_TAGS.length()), this.source);
			if (version == null || (version.isPrerelease() && !this.source.prereleases())) {
				continue;
			}
			if (bestVersion == null || version.compareTo(bestVersion) > 0) {
				best = tag;
				bestVersion = version;
			}
		}
		if (best == null) {
			throw PyappException.invalid("no matching tag",
					List.of(new Problem("git.tag_pattern",
							"the repository " + this.source.url() + " has no tag matching '" + this.source.tagPattern()
									+ "' that names a " + (this.source.prereleases() ? "" : "final ")
									+ "PEP 440 version")));
		}
		return new GitRevision(commitOf(best.getObjectId()).name(), best.getName());
	}

	// annotated tags point at tag objects; deploy the commit they name
	private ObjectId commitOf(ObjectId id) throws IOException {
		try (RevWalk walk = new RevWalk(this.repository)) {
			RevCommit commit = walk.parseCommit(id);
			return commit.getId();
		}
	}

	/**
	 * The version a tag names, if it matches the source's pattern: the text after the
	 * pattern's literal prefix ({@code v1.2.0} for {@code v*} gives {@code 1.2.0}).
	 */
	static @Nullable Pep440Version tagVersion(String tag, GitSource source) {
		String pattern = (source.tagPattern() != null) ? source.tagPattern() : "*";
		if (!globMatches(pattern, tag)) {
			return null;
		}
		int wildcard = indexOfWildcard(pattern);
		String rest = tag.substring(Math.min(wildcard, tag.length()));
		if (Pep440Version.isValid(rest)) {
			return Pep440Version.parse(rest);
		}
		return Pep440Version.isValid(tag) ? Pep440Version.parse(tag) : null;
	}

	/**
	 * Whether a glob ({@code *} any text, {@code ?} one character, everything else
	 * literal) matches a whole text. No backtracking beyond the last {@code *}: at most
	 * (pattern length × text length) steps, so no pattern can stall the git work (a
	 * regular expression built from {@code *a*a*a*a*a*a*b} took a minute on an 80
	 * character tag).
	 * @param glob the pattern
	 * @param text the text
	 * @return whether it matches
	 */
	static boolean globMatches(String glob, String text) {
		int g = 0;
		int t = 0;
		int star = -1;
		int resume = 0;
		while (t < text.length()) {
			if (g < glob.length()
					&& (glob.charAt(g) == '?' || (glob.charAt(g) != '*' && glob.charAt(g) == text.charAt(t)))) {
				g++;
				t++;
			}
			else if (g < glob.length() && glob.charAt(g) == '*') {
				star = g++;
				resume = t;
			}
			else if (star >= 0) {
				g = star + 1;
				t = ++resume;
			}
			else {
				return false;
			}
		}
		while (g < glob.length() && glob.charAt(g) == '*') {
			g++;
		}
		return g == glob.length();
	}

	private static int indexOfWildcard(String pattern) {
		for (int i = 0; i < pattern.length(); i++) {
			if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?') {
				return i;
			}
		}
		return pattern.length();
	}

}
