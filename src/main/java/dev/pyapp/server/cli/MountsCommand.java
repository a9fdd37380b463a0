package dev.pyapp.server.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pyapp mounts list|add|remove}: apps at path prefixes of virtual servers. Changes
 * are staged until {@code pyapp webserver apply}.
 */
@Command(name = "mounts", description = "List, add or remove mounts of apps on virtual servers.",
		subcommands = { MountsCommand.ListMounts.class, MountsCommand.Add.class, MountsCommand.Remove.class })
class MountsCommand extends GroupCommand {

	@Command(name = "list", description = "List the mounts.")
	static class ListMounts extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("mounts.list", null), (mounts) -> {
				Table table = new Table("SERVER", "PATH", "APP");
				list(mounts, "mounts").forEach((mount) -> table.row(Text.cell(mount, "server"),
						Text.cell(mount, "path"), Text.cell(mount, "app")));
				table.print(out(), "no mounts");
			});
		}

	}

	@Command(name = "add", description = "Mount an app at a path of a virtual server.")
	static class Add extends ApiCommand {

		@Parameters(index = "0", paramLabel = "SERVER", description = "the virtual server")
		String server = "";

		@Parameters(index = "1", paramLabel = "PATH", description = "the path prefix, such as /guestbook")
		String path = "";

		@Parameters(index = "2", paramLabel = "APP", description = "the app")
		String app = "";

		@Override
		public Integer call() throws Exception {
			return show(call("mounts.add", params("server", this.server, "path", this.path, "app", this.app)),
					(result) -> out().println("mounted " + this.app + " at " + this.server + this.path + " ("
							+ ServersCommand.STAGED + ")"));
		}

	}

	@Command(name = "remove", description = "Remove a mount.")
	static class Remove extends ApiCommand {

		@Parameters(index = "0", paramLabel = "SERVER", description = "the virtual server")
		String server = "";

		@Parameters(index = "1", paramLabel = "PATH", description = "the path prefix")
		String path = "";

		@Parameters(index = "2", arity = "0..1", paramLabel = "APP", description = "the app mounted there")
		@Nullable String app;

		@Override
		public Integer call() throws Exception {
			return show(call("mounts.remove", params("server", this.server, "path", this.path, "app", this.app)),
					(result) -> out()
						.println("removed the mount " + this.server + this.path + " (" + ServersCommand.STAGED + ")"));
		}

	}

}
