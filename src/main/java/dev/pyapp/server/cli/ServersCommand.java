package dev.pyapp.server.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pyapp servers list|add|remove}: virtual servers. Changes are staged until
 * {@code pyapp webserver apply}.
 */
@Command(name = "servers", description = ServersCommand.DESCRIPTION,
		subcommands = { ServersCommand.ListServers.class, ServersCommand.Add.class, ServersCommand.Remove.class })
class ServersCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, add or remove virtual servers.";

	static final String STAGED = "staged: run 'pyapp webserver apply' to put it live";

	@Command(name = "list", description = "List the virtual servers.")
	static class ListServers extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("servers.list", null), (servers) -> {
				Table table = new Table("NAME", "HOSTNAMES", "LISTEN", "TLS");
				list(servers, "servers").forEach((server) -> table.row(Text.cell(server, "name"),
						Text.cell(server, "hostnames"), Text.cell(server, "listen"), Text.cell(server, "tls")));
				table.print(out(), "no virtual servers");
			});
		}

	}

	@Command(name = "add", description = "Add a virtual server.")
	static class Add extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the server's name")
		String name = "";

		// one value per --hostname: with more, the NAME after the options was taken as a
		// host name ("servers add --listen=... --hostname=a.test main")
		@Option(names = "--hostname", paramLabel = "H", arity = "1", required = true,
				description = "a host name it answers to (repeatable)")
		List<String> hostnames = new ArrayList<>();

		@Option(names = "--listen", paramLabel = "HOST:PORT", required = true,
				description = "the address and port to listen on, such as 127.0.0.1:8080")
		String listen = "";

		@Option(names = "--tls-cert", paramLabel = "F", description = "the TLS certificate (PEM)")
		@Nullable Path tlsCert;

		@Option(names = "--tls-key", paramLabel = "F", description = "the TLS private key (PEM)")
		@Nullable Path tlsKey;

		@Override
		public Integer call() throws Exception {
			if ((this.tlsCert == null) != (this.tlsKey == null)) {
				throw usage("--tls-cert and --tls-key go together");
			}
			ObjectNode tls = null;
			if (this.tlsCert != null && this.tlsKey != null) {
				// the server reads them on this host: send absolute paths
				tls = params("cert", absolute(this.tlsCert), "key", absolute(this.tlsKey));
			}
			ObjectNode params = params("name", this.name, "hostnames", this.hostnames, "listen", this.listen, "tls",
					tls);
			return show(call("servers.add", params),
					(result) -> out().println("added virtual server " + this.name + " (" + STAGED + ")"));
		}

		private String absolute(Path path) {
			return cli().workingDirectory().resolve(path).normalize().toString();
		}

	}

	@Command(name = "remove", description = "Remove a virtual server.")
	static class Remove extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the server's name")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("servers.remove", params("name", this.name)),
					(result) -> out().println("removed virtual server " + this.name + " (" + STAGED + ")"));
		}

	}

}
