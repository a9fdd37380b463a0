package dev.pyapp.server.cli;

import java.nio.file.Path;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.PostReceiveHook;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp hooks create|list|remove|install-git}: post-commit webhooks that tell the
 * server about pushes to an app's git source.
 */
@Command(name = "hooks", description = HooksCommand.DESCRIPTION, subcommands = { HooksCommand.Create.class,
		HooksCommand.ListHooks.class, HooksCommand.Remove.class, HooksCommand.InstallGit.class })
class HooksCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Create, list or remove post-commit webhooks of git apps.";

	@Command(name = "create", description = "Create a webhook; prints its URL and secret for the git host.")
	static class Create extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Option(names = "--provider", paramLabel = "P", required = true,
				description = "github, gitlab, gitea or generic")
		String provider = "";

		@Override
		public Integer call() throws Exception {
			return show(call("hooks.create", params("name", this.name, "provider", this.provider)), (hook) -> {
				// shown once, on purpose: the operator pastes it into the git host
				Listing.print(out(), hook);
			});
		}

	}

	@Command(name = "list", description = "List an app's webhooks.")
	static class ListHooks extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("hooks.list", params("name", this.name)), (hooks) -> {
				Table table = new Table("ID", "PROVIDER", "URL", "CREATED");
				list(hooks, "hooks").forEach((hook) -> table.row(Text.cell(hook, "id"), Text.cell(hook, "provider"),
						Text.cell(hook, "url"), Text.cell(hook, "created")));
				table.print(out(), this.name + " has no webhooks");
			});
		}

	}

	@Command(name = "remove", description = "Remove a webhook.")
	static class Remove extends ApiCommand {

		@Parameters(paramLabel = "ID", description = "the hook's id")
		String id = "";

		@Override
		public Integer call() throws Exception {
			return show(call("hooks.remove", params("id", this.id)),
					(result) -> out().println("removed webhook " + this.id));
		}

	}

	@Command(name = "install-git",
			description = "Write a post-receive hook into a git repository on this host that notifies the server "
					+ "of every push (a generic webhook, signed; its secret stays in the 0700 hook file).")
	static class InstallGit extends ApiCommand {

		@Parameters(index = "0", paramLabel = "REPO_DIR", description = "the (bare) repository")
		Path repository = Path.of("");

		@Parameters(index = "1", paramLabel = "NAME", description = "the app installed from it")
		String name = "";

		@Option(names = "--force", description = "replace a post-receive hook that pyapp did not write")
		boolean force;

		@Override
		public Integer call() throws Exception {
			Path repo = cli().workingDirectory().resolve(this.repository).normalize();
			Path hook = PostReceiveHook.hooksDirectory(repo).resolve("post-receive");
			if (!this.force && PostReceiveHook.isForeign(hook)) {
				throw new CliException(hook + " exists and was not written by pyapp; use --force to replace it");
			}
			JsonNode created = call("hooks.create", params("name", this.name, "provider", "generic"));
			String url = Text.cell(created, "url");
			JsonNode secret = Text.field(created, "secret");
			if (!url.startsWith("http") || secret == null || !secret.isString()) {
				throw new CliException("hooks.create returned no URL and secret for " + this.name);
			}
			PostReceiveHook.write(hook, url, secret.stringValue());
			if (json()) {
				printJson(params("id", Text.field(created, "id"), "url", url, "hook", hook.toString()));
			}
			else {
				out().println(
						"installed " + hook + ": pushes notify " + url + " (hook " + Text.cell(created, "id") + ")");
			}
			out().flush();
			return 0;
		}

	}

}
