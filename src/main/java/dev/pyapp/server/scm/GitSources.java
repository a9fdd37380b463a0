package dev.pyapp.server.scm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.ServerFileModes;
import dev.pyapp.server.packaging.ArchiveLimits;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.scm.internal.CredentialStore;
import dev.pyapp.server.scm.internal.GitErrors;
import dev.pyapp.server.scm.internal.RevisionSelector;
import dev.pyapp.server.scm.internal.ScmProperties;
import dev.pyapp.server.scm.internal.SizeBoundMonitor;
import dev.pyapp.server.scm.internal.SshTransportSetup;
import dev.pyapp.server.scm.internal.TreeExporter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Git sources: a bare mirror per app under {@code PYAPP_HOME/git/<app>.git}, the
 * strategies that select the revision to deploy, and the export of a revision's tree into
 * a scratch directory with the archive layout. Calls are synchronous and block on the
 * network; the caller serialises work on one mirror.
 */
@Component
public class GitSources {

	private static final Logger logger = LoggerFactory.getLogger(GitSources.class);

	private static final Pattern MIRROR_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$|^incoming-[0-9a-f]{32}$");

	private static final List<String> SCHEMES = List.of("https", "http", "file", "ssh");

	/** scp-like: {@code git@github.com:team/app.git}. */
	private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[^:/]+:.*");

	private final PyappHome home;

	private final ScmProperties properties;

	private final CredentialStore credentials;

	private final DeployKeys deployKeys;

	private final ArchiveLimits limits;

	@Autowired
	GitSources(PyappHome home, ScmProperties properties, PackageReader reader, DeployKeys deployKeys) {
		this(home, properties, reader.limits(), deployKeys);
	}

	GitSources(PyappHome home, ScmProperties properties, DeployKeys deployKeys) {
		this(home, properties, ArchiveLimits.DEFAULTS, deployKeys);
	}

	GitSources(PyappHome home, ScmProperties properties, ArchiveLimits limits) {
		this(home, properties, limits, new DeployKeys(home));
	}

	GitSources(PyappHome home, ScmProperties properties, ArchiveLimits limits, DeployKeys deployKeys) {
		this.home = home;
		this.properties = properties;
		this.limits = limits;
		this.credentials = new CredentialStore(home);
		this.deployKeys = deployKeys;
		ServerFileModes.privateDirectory(home.git());
	}

	/**
	 * Checks a repository URL: {@code https://}, {@code http://} or {@code file://},
	 * without user info (a token goes into {@link GitCredentials}).
	 * @param url the URL
	 * @param path the path to name in problems, such as {@code git.url}
	 * @return every problem found, none if the URL can be used
	 */
	public static List<Problem> checkUrl(@Nullable String url, String path) {
		List<Problem> problems = new ArrayList<>();
		if (url == null || url.isBlank()) {
			problems.add(new Problem(path, "a repository URL is required"));
			return problems;
		}
		if (SCP_LIKE.matcher(url).matches()) {
			// git@host:path, over SSH with a deploy key
			return problems;
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!SCHEMES.contains(scheme)) {
				problems.add(new Problem(path,
						"'" + url + "' is not an https://, http://, ssh:// (or user@host:path) or file:// URL"));
			}
			else if (scheme.equals("ssh")) {
				if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
					problems.add(new Problem(path, "the URL must not carry a password; SSH uses the app's deploy key"));
				}
			}
			else if (uri.getRawUserInfo() != null) {
				problems.add(new Problem(path, "the URL must not carry credentials; give the token as 'token'"));
			}
		}
		catch (URISyntaxException ex) {
			problems.add(new Problem(path, "'" + url + "' is not a URL: " + ex.getReason()));
		}
		return problems;
	}

	/**
	 * Whether a repository URL is reached over SSH (and so with a deploy key).
	 * @param url the URL
	 * @return whether it is {@code ssh://...} or {@code user@host:path}
	 */
	public static boolean isSsh(String url) {
		return SCP_LIKE.matcher(url).matches() || url.toLowerCase(Locale.ROOT).startsWith("ssh://");
	}

	/**
	 * Clones a repository into a new mirror that no app owns yet.
	 * @param source the repository
	 * @param credentials the token for a private repository, or {@code null}
	 * @return the mirror, to {@link #adopt} or {@link #delete}
	 * @throws PyappException ({@code FAILED}) if the repository cannot be cloned
	 */
	public GitMirror cloneIncoming(GitSource source, @Nullable GitCredentials credentials) {
		return cloneIncoming(source, credentials, null);
	}

	/**
	 * Clones a repository into a new mirror that no app owns yet, over SSH with a deploy
	 * key when it is an SSH URL. A host key accepted on first contact is pinned for the
	 * key's app.
	 * @param source the repository
	 * @param credentials the token for a private repository over HTTPS, or {@code null}
	 * @param ssh the deploy key and host key for an SSH URL, else {@code null}
	 * @return the mirror, to {@link #adopt} or {@link #delete}
	 * @throws PyappException ({@code FAILED}) if the repository cannot be cloned,
	 * ({@code INVALID}) for an SSH URL without a deploy key or a host key to trust
	 */
	public GitMirror cloneIncoming(GitSource source, @Nullable GitCredentials credentials, @Nullable SshAccess ssh) {
		GitMirror mirror = new GitMirror("incoming-" + UUID.randomUUID().toString().replace("-", ""));
		cloneInto(mirror, source.url(), credentials, ssh);
		return mirror;
	}

	/**
	 * Brings an app's mirror up to date with its repository (cloning it again if it is
	 * gone), with the app's stored token.
	 * @param app the app
	 * @param source its source
	 * @return the mirror
	 * @throws PyappException ({@code FAILED}) if the repository cannot be fetched
	 */
	public GitMirror fetch(AppId app, GitSource source) {
		GitMirror mirror = new GitMirror(app.value());
		GitCredentials credentials = this.credentials.find(app);
		SshAccess ssh = isSsh(source.url()) ? new SshAccess(app, null, false) : null;
		Path dir = directory(mirror);
		if (!Files.isDirectory(dir)) {
			cloneInto(mirror, source.url(), credentials, ssh);
			return mirror;
		}
		SizeBoundMonitor monitor = new SizeBoundMonitor(dir, this.limits.maxUncompressedSize());
		try (SshTransportSetup transport = (ssh != null) ? sshTransport(ssh) : null; Git git = Git.open(dir.toFile())) {
			try {
				FetchResult result = configure(git.fetch(), credentials, transport).setProgressMonitor(monitor)
					.setRemote("origin")
					.setRefSpecs(new RefSpec("+refs/*:refs/*"))
					.setRemoveDeletedRefs(true)
					.call();
				followRemoteHead(git.getRepository(), result);
			}
			catch (GitAPIException | RuntimeException ex) {
				monitor.check(source.url());
				if (transport != null) {
					throw transport.failure(source.url(), String.valueOf(ex.getMessage()));
				}
				throw ex;
			}
		}
		catch (IOException | GitAPIException ex) {
			monitor.check(source.url());
			throw PyappException.failed(GitErrors.unreachable(source.url(), ex), null);
		}
		monitor.check(source.url());
		return mirror;
	}

	/**
	 * Selects the revision a strategy deploys, from the mirror's refs.
	 * @param mirror a fetched mirror
	 * @param source the source with its strategy
	 * @return the revision
	 * @throws PyappException ({@code INVALID}) if the strategy finds nothing: a missing
	 * branch, or no tag matching the pattern
	 */
	public GitRevision select(GitMirror mirror, GitSource source) {
		try (Repository repository = open(mirror)) {
			return new RevisionSelector(repository, source).select();
		}
	}

	/**
	 * Whether a push to a ref can change what a strategy selects, so that a post-commit
	 * hook for it is worth a fetch.
	 * @param app the app whose mirror knows the default branch
	 * @param source its source
	 * @param ref the pushed ref, such as {@code refs/heads/main}
	 * @return whether the strategy follows the ref
	 */
	public boolean follows(AppId app, GitSource source, String ref) {
		GitMirror mirror = new GitMirror(app.value());
		if (source.strategy() == GitStrategy.ALWAYS_LATEST && !Files.isDirectory(directory(mirror))) {
			// no mirror to tell the default branch: let the fetch decide
			return ref.startsWith("refs/heads/");
		}
		try (Repository repository = (source.strategy() == GitStrategy.ALWAYS_LATEST) ? open(mirror) : null) {
			return RevisionSelector.follows(repository, source, ref);
		}
	}

	/**
	 * Writes a revision's tree into a new scratch directory under
	 * {@code PYAPP_HOME/tmp/}.
	 * @param mirror the mirror holding the revision
	 * @param revision the revision
	 * @return the directory, with the repository's root at its root; the caller removes
	 * it with {@link #discard}
	 * @throws PyappException ({@code INVALID}) if the tree holds a symbolic link
	 */
	public Path export(GitMirror mirror, GitRevision revision) {
		Path dir = null;
		try (Repository repository = open(mirror)) {
			dir = Files.createTempDirectory(this.home.tmp(), "git-export-");
			TreeExporter.export(repository, ObjectId.fromString(revision.commit()), dir, this.limits);
			return dir;
		}
		catch (IOException ex) {
			if (dir != null) {
				discard(dir);
			}
			throw new UncheckedIOException("Cannot export " + revision.commit(), ex);
		}
		catch (RuntimeException ex) {
			if (dir != null) {
				discard(dir);
			}
			throw ex;
		}
	}

	/**
	 * Deletes an exported directory.
	 * @param exported a directory from {@link #export}
	 */
	public void discard(Path exported) {
		AtomicFiles.deleteTree(this.home.requireInside(exported));
	}

	/**
	 * Makes an incoming mirror the mirror of an app, replacing the one it had, and keeps
	 * the app's token (or forgets it, for {@code null}).
	 * @param incoming the mirror from {@link #cloneIncoming}
	 * @param app the app it now belongs to
	 * @param credentials the token, or {@code null}
	 */
	public void adopt(GitMirror incoming, AppId app, @Nullable GitCredentials credentials) {
		GitMirror target = new GitMirror(app.value());
		Path old = directory(target).resolveSibling("." + app.value() + ".old-" + UUID.randomUUID() + ".git");
		try {
			if (Files.exists(directory(target))) {
				Files.move(directory(target), old, StandardCopyOption.ATOMIC_MOVE);
			}
			Files.move(directory(incoming), directory(target), StandardCopyOption.ATOMIC_MOVE);
			AtomicFiles.deleteTree(old);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot keep the mirror of " + app, ex);
		}
		this.credentials.save(app, credentials);
	}

	/**
	 * Deletes a mirror (an incoming one, or an app's together with its token).
	 * @param mirror the mirror
	 */
	public void delete(GitMirror mirror) {
		AtomicFiles.deleteTree(directory(mirror));
		if (!mirror.name().startsWith("incoming-")) {
			this.credentials.delete(mirror.name());
			// the app is gone: so is its deploy key (revoke it at the repository too)
			this.deployKeys.remove(AppId.of(mirror.name()));
		}
	}

	/**
	 * Whether an app keeps a token for its repository.
	 * @param app the app
	 * @return whether it does
	 */
	public boolean hasCredentials(AppId app) {
		return this.credentials.exists(app);
	}

	private void cloneInto(GitMirror mirror, String url, @Nullable GitCredentials credentials,
			@Nullable SshAccess ssh) {
		Path dir = directory(mirror);
		if (isSsh(url) && ssh == null) {
			throw PyappException.invalid("no deploy key", List.of(new Problem("git.deploy_key",
					"an SSH URL needs the app's deploy key: create one (pyapp deploy-keys create NAME), add its "
							+ "public half to the repository, and name it")));
		}
		SizeBoundMonitor monitor = new SizeBoundMonitor(dir, this.limits.maxUncompressedSize());
		try (SshTransportSetup transport = (ssh != null) ? sshTransport(ssh) : null) {
			try (Git git = configure(Git.cloneRepository(), credentials, transport).setProgressMonitor(monitor)
				.setURI(url)
				.setDirectory(dir.toFile())
				.setBare(true)
				.setMirror(true)
				.call()) {
				logger.info("Cloned {} into {}", url, dir.getFileName());
			}
			catch (GitAPIException | RuntimeException ex) {
				AtomicFiles.deleteTree(dir);
				monitor.check(url);
				if (transport != null) {
					throw transport.failure(url, String.valueOf(ex.getMessage()));
				}
				throw PyappException.failed(GitErrors.unreachable(url, ex), null);
			}
			if (transport != null && ssh != null && this.deployKeys.pinnedHostKey(ssh.keyOwner()) == null
					&& transport.seen() != null) {
				this.deployKeys.pinHostKey(ssh.keyOwner(), transport.seen());
				logger.info("Pinned the host key {} of {} for {}", transport.seen(), url, ssh.keyOwner());
			}
		}
		try {
			monitor.check(url);
		}
		catch (PyappException ex) {
			AtomicFiles.deleteTree(dir);
			throw ex;
		}
	}

	/**
	 * The SSH transport of an app's deploy key, checking the pinned (or given) host key.
	 */
	private SshTransportSetup sshTransport(SshAccess ssh) {
		java.security.KeyPair key = this.deployKeys.find(ssh.keyOwner())
			.orElseThrow(
					() -> PyappException.invalid("no deploy key",
							List.of(new Problem("git.deploy_key",
									"app '" + ssh.keyOwner() + "' has no deploy key: create "
											+ "one (pyapp deploy-keys create " + ssh.keyOwner()
											+ ") and add its public half to the " + "repository"))));
		String pinned = this.deployKeys.pinnedHostKey(ssh.keyOwner());
		if (ssh.hostKey() != null) {
			if (pinned != null && !pinned.equals(ssh.hostKey())) {
				throw PyappException.conflict("the host key " + pinned + " is pinned for " + ssh.keyOwner() + ", not "
						+ ssh.hostKey() + "; remove the deploy key to start over");
			}
			pinned = ssh.hostKey();
		}
		try {
			Path empty = Files.createDirectories(this.home.resolve("git", ".ssh-empty"));
			return new SshTransportSetup(key, pinned, ssh.acceptHostKey(), empty);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot prepare the SSH transport", ex);
		}
	}

	private <C extends TransportCommand<C, ?>> C configure(C command, @Nullable GitCredentials credentials,
			@Nullable SshTransportSetup ssh) {
		command.setTimeout((int) Math.max(1, this.properties.timeout().toSeconds()));
		if (credentials != null) {
			command.setCredentialsProvider(
					new UsernamePasswordCredentialsProvider(credentials.username(), credentials.token()));
		}
		if (ssh != null) {
			command.setTransportConfigCallback(ssh.callback());
		}
		return command;
	}

	// JGit does not move HEAD on fetch; follow the remote's default branch so that
	// always-latest keeps meaning "the head of the default branch"
	private static void followRemoteHead(Repository repository, FetchResult result) throws IOException {
		Ref head = result.getAdvertisedRef("HEAD");
		if (head != null && head.isSymbolic()) {
			String target = head.getTarget().getName();
			Ref current = repository.exactRef("HEAD");
			if (current == null || !current.isSymbolic() || !current.getTarget().getName().equals(target)) {
				RefUpdate update = repository.updateRef("HEAD");
				update.disableRefLog();
				update.link(target);
			}
		}
	}

	private Repository open(GitMirror mirror) {
		try {
			return Git.open(directory(mirror).toFile()).getRepository();
		}
		catch (IOException ex) {
			throw PyappException.notFound("no git mirror '" + mirror.name() + "': " + ex.getMessage());
		}
	}

	private Path directory(GitMirror mirror) {
		if (!MIRROR_NAME.matcher(mirror.name()).matches()) {
			throw PyappException.invalid("invalid mirror", List.of(new Problem("mirror", mirror.name())));
		}
		return this.home.resolve("git", mirror.name() + ".git");
	}

}
