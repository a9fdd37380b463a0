package dev.pyapp.server.cli;

import java.nio.file.Path;

import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp mounts list|add|remove}: apps (or static folders) at path prefixes of
 * virtual servers. Changes are staged until {@code pyapp webserver apply}.
 */
@Command(name = "mounts", description = MountsCommand.DESCRIPTION,
		subcommands = { MountsCommand.ListMounts.class, MountsCommand.Add.class, MountsCommand.Remove.class })
class MountsCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, add or remove mounts of apps on virtual servers.";

	@Command(name = "list", description = "List the mounts.")
	static class ListMounts extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("mounts.list", null), (mounts) -> {
				Table table = new Table("SERVER", "PATH", "APP");
				list(mounts, "mounts")
					.forEach((mount) -> table.row(Text.cell(mount, "server"), Text.cell(mount, "path"), target(mount)));
				table.print(out(), "no mounts");
			});
		}

		private static String target(JsonNode mount) {
			JsonNode folder = Text.field(mount, "folder");
			String app = Text.cell(mount, "app");
			return (folder != null) ? app + " (folder " + Text.cell(folder) + ")" : app;
		}

	}

	@Command(name = "add", description = "Mount an app (or a static folder) at a path of a virtual server.")
	static class Add extends ApiCommand {

		@Parameters(index = "0", paramLabel = "SERVER", description = "the virtual server")
		String server = "";

		@Parameters(index = "1", paramLabel = "PATH", description = "the path prefix, such as /guestbook")
		String path = "";

		@Parameters(index = "2", arity = "0..1", paramLabel = "APP", description = "the app")
		@Nullable String app;

		@Option(names = "--folder", paramLabel = "DIR", description = "serve this folder with the built-in static app")
		@Nullable Path folder;

		@Override
		public Integer call() throws Exception {
			if (this.app == null && this.folder == null) {
				throw usage("give the APP to mount, or --folder DIR");
			}
			String folderPath = (this.folder != null)
					? cli().workingDirectory().resolve(this.folder).normalize().toString() : null;
			String what = (this.app != null) ? this.app : "the folder " + folderPath;
			return show(
					call("mounts.add",
							params("server", this.server, "path", this.path, "app", this.app, "folder", folderPath)),
					(result) -> out().println(
							"mounted " + what + " at " + this.server + this.path + " (" + ServersCommand.STAGED + ")"));
		}

	}

	@Command(name = "remove", description = "Remove a mount.")
	static class Remove extends ApiCommand {

		@Parameters(index = "0", paramLabel = "SERVER", description = "the virtual server")
		String server = "";

		@Parameters(index = "1", paramLabel = "PATH", description = "the path prefix")
		String path = "";

		@Parameters(index = "2", arity = "0..1", paramLabel = "APP",
				description = "the app mounted there (optional: when given, only its mount is removed)")
		@Nullable String app;

		@Override
		public Integer call() throws Exception {
			// the server checks that APP is the app mounted there (a typo removes
			// nothing)
			return show(call("mounts.remove", params("server", this.server, "path", this.path, "app", this.app)),
					(result) -> out()
						.println("removed the mount " + this.server + this.path + " (" + ServersCommand.STAGED + ")"));
		}

	}

}
