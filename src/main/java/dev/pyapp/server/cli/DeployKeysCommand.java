package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp deploy-keys create NAME | list | remove NAME}: {@code git.keys.*}, the
 * keys of apps installed from a git repository over SSH.
 */
@Command(name = "deploy-keys", description = DeployKeysCommand.DESCRIPTION,
		subcommands = { DeployKeysCommand.Create.class, DeployKeysCommand.List.class, DeployKeysCommand.Remove.class })
class DeployKeysCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Create, list or remove the SSH deploy keys of git apps.";

	@Command(name = "create",
			description = { "Create the deploy key of an app (the name in its repository's metadata.yaml) and print",
					"its public half, once: add it to the repository (read-only), then",
					"pyapp install --git ssh://git@host/team/app.git --deploy-key NAME --accept-host-key" })
	static class Create extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("git.keys.create", params("name", this.name)), (key) -> {
				out().println(Text.cell(key, "public_key"));
				err().println("the deploy key of " + this.name + " (" + Text.cell(key, "fingerprint")
						+ "): add the line above to the repository as a read-only deploy key; it is shown only now");
				err().flush();
			});
		}

	}

	@Command(name = "list", description = "List the deploy keys (their fingerprints).")
	static class List extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("git.keys.list", null), (keys) -> {
				Table table = new Table("NAME", "FINGERPRINT", "CREATED");
				for (JsonNode key : list(keys, "keys")) {
					table.row(Text.cell(key, "name"), Text.cell(key, "fingerprint"), Text.cell(key, "created"));
				}
				table.print(out(), "no deploy keys");
			});
		}

	}

	@Command(name = "remove", description = "Remove an app's deploy key (and the host key pinned with it).")
	static class Remove extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("git.keys.remove", params("name", this.name)),
					(result) -> out().println("removed the deploy key of " + this.name));
		}

	}

}
