package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import dev.pyapp.server.cli.internal.ArchiveName;
import dev.pyapp.server.cli.internal.LocalFiles;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pyapp install FILE.pyapp} (upload, then {@code apps.install {archive}}) and
 * {@code pyapp install --git URL ...} ({@code apps.install {git: {...}}}), showing the
 * install's progress while it runs.
 */
@Command(name = "install", description = InstallCommand.DESCRIPTION)
class InstallCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Install or upgrade an app from a .pyapp archive or a git repository.";

	@Parameters(arity = "0..1", paramLabel = "FILE.pyapp", description = "the archive to upload and install")
	@Nullable Path file;

	@Option(names = "--git", paramLabel = "URL", description = "install from this git repository instead")
	@Nullable String git;

	@Option(names = "--strategy", paramLabel = "S",
			description = "how the git source follows new commits: always-latest, one-branch, latest-tag")
	@Nullable String strategy;

	@Option(names = "--branch", paramLabel = "B", description = "the branch for one-branch")
	@Nullable String branch;

	@Option(names = "--tag-pattern", paramLabel = "P", description = "the tag glob for latest-tag, such as 'v*'")
	@Nullable String tagPattern;

	@Option(names = "--prereleases", description = "latest-tag: also tags of pre-releases (2.0.0rc1, .dev)")
	boolean prereleases;

	@Option(names = "--poll-interval", paramLabel = "D",
			description = "also look for a new revision this often (5m, 30s, or seconds; at least 10s), besides "
					+ "post-commit hooks")
	@Nullable String pollInterval;

	@Option(names = "--deploy-key", paramLabel = "NAME",
			description = "over SSH: the app whose deploy key the repository accepts (pyapp deploy-keys create)")
	@Nullable String deployKey;

	@Option(names = "--host-key", paramLabel = "SHA256:...",
			description = "over SSH: the fingerprint the repository's server must present")
	@Nullable String hostKey;

	@Option(names = "--accept-host-key", description = "over SSH: pin the host key the server presents now")
	boolean acceptHostKey;

	@Override
	public Integer call() throws Exception {
		if ((this.file == null) == (this.git == null)) {
			throw usage("give either FILE.pyapp or --git URL");
		}
		if (this.git == null && (this.strategy != null || this.branch != null || this.tagPattern != null
				|| this.prereleases || this.pollInterval != null || this.deployKey != null || this.hostKey != null
				|| this.acceptHostKey)) {
			throw usage("--strategy, --branch, --tag-pattern, --prereleases, --poll-interval, --deploy-key, "
					+ "--host-key and --accept-host-key go with --git");
		}
		return (this.file != null) ? installArchive(cli().workingDirectory().resolve(this.file)) : installGit(this.git);
	}

	private int installArchive(Path archive) throws InterruptedException {
		LocalFiles.readableFile(archive);
		String name = ArchiveName.read(archive);
		String id = client().upload(archive);
		JsonNode app;
		try (ProgressPoller poller = ProgressPoller.forApp(client(), cli().codec(), progressOut(), name)) {
			app = call("apps.install", params("archive", id));
		}
		return show(app, this::summary);
	}

	private int installGit(String url) throws InterruptedException {
		ObjectNode source = params("url", url, "strategy", this.strategy, "branch", this.branch, "tag_pattern",
				this.tagPattern, "prereleases", this.prereleases ? Boolean.TRUE : null, "poll_interval",
				this.pollInterval, "deploy_key", this.deployKey, "host_key", this.hostKey, "accept_host_key",
				this.acceptHostKey ? Boolean.TRUE : null);
		JsonNode app;
		try (ProgressPoller poller = ProgressPoller.forGit(client(), cli().codec(), progressOut(), url)) {
			app = call("apps.install", params("git", source));
		}
		return show(app, this::summary);
	}

	/** Progress goes to stdout, except with --json, whose stdout is only the result. */
	PrintWriter progressOut() {
		return json() ? err() : out();
	}

	private void summary(JsonNode app) {
		String name = Text.cell(app, "name");
		JsonNode waiting = waitingUpgrade(app);
		if (waiting != null) {
			// the app is not "installed" at the new version: the old release still
			// serves, and the new one goes live once its new required settings
			// have values
			out().println("prepared " + name + " " + Text.cell(waiting, "version") + ": it waits for its new required "
					+ "settings; " + Text.cell(app, "version") + " still serves");
			out().println("it goes live once they are filled in: pyapp config show " + name + ", then pyapp config set "
					+ name + " section.field=value ...");
			return;
		}
		out().println("installed " + name + " " + Text.cell(app, "version") + " (" + Text.cell(app, "state") + ")");
		if ("needs-configuration".equals(Text.cell(app, "state"))) {
			out().println("it starts once its required settings are filled in: pyapp config show " + name
					+ ", then pyapp config set " + name + " section.field=value ...");
		}
	}

	/**
	 * The newest release when it is an upgrade that waits for its configuration while
	 * another release stays live ({@code last_deploy.state} {@code prepared}, another
	 * release than the app's), else {@code null}.
	 */
	private static @Nullable JsonNode waitingUpgrade(JsonNode app) {
		JsonNode last = app.get("last_deploy");
		if (last == null || !last.isObject() || !"prepared".equals(Text.cell(last, "state"))) {
			return null;
		}
		String live = Text.cell(app, "release");
		return (!Text.NONE.equals(live) && !live.equals(Text.cell(last, "release"))) ? last : null;
	}

}
