package dev.pyapp.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.LocalFiles;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp nodes list|add|install|rekey|remove}: remote app servers over SSH.
 */
@Command(name = "nodes", description = NodesCommand.DESCRIPTION, subcommands = { NodesCommand.ListNodes.class,
		NodesCommand.Add.class, NodesCommand.Install.class, NodesCommand.Rekey.class, NodesCommand.Remove.class })
class NodesCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, add, provision, re-key or remove remote app servers (SSH).";

	@Command(name = "list", description = "List the nodes.")
	static class ListNodes extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("nodes.list", null), (nodes) -> {
				Table table = new Table("NAME", "HOST", "PORT", "USER", "STATE");
				list(nodes, "nodes").forEach((node) -> table.row(Text.cell(node, "name"), Text.cell(node, "host"),
						Text.cell(node, "port"), Text.cell(node, "user"), state(node)));
				table.print(out(), "no nodes");
				// the state alone ("installed") says nothing of a node that does not
				// answer
				list(nodes, "nodes").forEach((node) -> {
					if (unreachable(node) && node.path("last_error").isString()) {
						out().println(Text.cell(node, "name") + ": " + node.path("last_error").asString());
					}
				});
			});
		}

		private static String state(JsonNode node) {
			String state = Text.cell(node, "state", "status");
			return unreachable(node) ? state + ", unreachable" : state;
		}

		private static boolean unreachable(JsonNode node) {
			return node.path("reachable").isBoolean() && !node.path("reachable").asBoolean();
		}

	}

	@Command(name = "add", description = "Add a node reached over SSH.")
	static class Add extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the node's name")
		String name = "";

		@Option(names = "--host", paramLabel = "HOST", required = true, description = "its host name or address")
		String host = "";

		@Option(names = "--port", paramLabel = "PORT", description = "its SSH port (default: the server's, 22)")
		@Nullable Integer port;

		@Option(names = "--user", paramLabel = "USER", description = "the SSH user")
		@Nullable String user;

		@Option(names = "--host-key", paramLabel = "KEY",
				description = "the expected host key, such as 'ssh-ed25519 AAAA...' or 'SHA256:...'")
		@Nullable String hostKey;

		@Option(names = "--accept-host-key",
				description = "pin the key the host presents now (trust on first use; check it out of band)")
		boolean acceptHostKey;

		@Option(names = "--private-key-file", paramLabel = "FILE",
				description = "a private key file on this machine, sent to the server and kept there as a secret")
		@Nullable Path privateKeyFile;

		@Option(names = "--key-path", paramLabel = "PATH", description = "a private key file on the server's host")
		@Nullable String keyPath;

		@Override
		public Integer call() throws Exception {
			String privateKey = (this.privateKeyFile != null)
					? Files.readString(LocalFiles.readableFile(cli().workingDirectory().resolve(this.privateKeyFile)))
					: null;
			return show(call("nodes.add",
					params("name", this.name, "host", this.host, "port", this.port, "user", this.user, "host_key",
							this.hostKey, "accept_host_key", this.acceptHostKey ? Boolean.TRUE : null, "private_key",
							privateKey, "key_path", this.keyPath)),
					(node) -> {
						out().println("added node " + this.name);
						// pinned on first use: only the operator can check it, on the
						// node
						if (node.path("host_key").isString()) {
							out()
								.println(
										"host key " + node.path("host_key").asString()
												+ ((this.acceptHostKey && this.hostKey == null)
														? " pinned as presented: compare it with ssh-keygen -lf"
																+ " /etc/ssh/ssh_host_ed25519_key.pub on the node"
														: ""));
						}
					});
		}

	}

	@Command(name = "install", description = "Provision a node: install what apps need to run on it.")
	static class Install extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the node")
		String name = "";

		@Option(names = "--allow-packages", description = "install missing Debian packages on the node with apt")
		boolean allowPackages;

		@Option(names = "--webserver", paramLabel = "KIND", description = "nginx, apache or lighttpd")
		@Nullable String webserver;

		@Option(names = "--home", paramLabel = "DIR",
				description = "the agent's home on the node (default: /srv/pyapp-agent as root, else ~/.pyapp-agent)")
		@Nullable String home;

		@Option(names = "--agent-port", paramLabel = "PORT",
				description = "the agent's port on the node's 127.0.0.1 (default: a free one)")
		@Nullable Integer agentPort;

		@Override
		public Integer call() throws Exception {
			JsonNode installed;
			// the install takes a minute (a 60 MB upload, the agent's start): say each
			// step
			try (NodeProgress progress = json() ? null : new NodeProgress(client(), this.name, out())) {
				installed = call("nodes.install",
						params("name", this.name, "allow_packages", this.allowPackages ? Boolean.TRUE : null,
								"webserver", this.webserver, "home", this.home, "agent_port", this.agentPort));
			}
			return show(installed, (node) -> {
				out().println("installed node " + this.name);
				if (node.isObject()) {
					Listing.print(out(), node);
				}
			});
		}

	}

	@Command(name = "rekey",
			description = "Pin a node's new host key after its host's key changed; nothing on the node is touched.")
	static class Rekey extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the node")
		String name = "";

		@Option(names = "--host-key", paramLabel = "KEY",
				description = "the new host key, such as 'ssh-ed25519 AAAA...' or 'SHA256:...'")
		@Nullable String hostKey;

		@Option(names = "--accept-host-key", description = "pin the key the host presents now (check it out of band)")
		boolean acceptHostKey;

		@Override
		public Integer call() throws Exception {
			return show(
					call("nodes.rekey",
							params("name", this.name, "host_key", this.hostKey, "accept_host_key", this.acceptHostKey
									? Boolean.TRUE : null)),
					(node) -> out().println("node " + this.name + ": host key " + node.path("host_key").asString()
							+ " pinned" + ((this.hostKey == null) ? " as presented: compare it with ssh-keygen -lf"
									+ " /etc/ssh/ssh_host_ed25519_key.pub on the node" : "")));
		}

	}

	@Command(name = "remove", description = "Remove a node.")
	static class Remove extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the node")
		String name = "";

		@Option(names = "--purge",
				description = "also remove the apps on the node as apps.remove does: pre-delete hooks, files and data, their users and cgroups")
		boolean purge;

		@Override
		public Integer call() throws Exception {
			return show(call("nodes.remove", params("name", this.name, "purge", this.purge ? Boolean.TRUE : null)),
					(removed) -> {
						out().println("removed node " + this.name);
						if (removed.path("warning").isString()) {
							err().println("warning: " + removed.path("warning").asString());
						}
					});
		}

	}

}
