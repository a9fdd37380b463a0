package dev.pyapp.server.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp server stop [--all]}: {@code server.stop}, then waits until the server no
 * longer answers.
 */
@Command(name = "server", description = ServerCommand.DESCRIPTION, subcommands = ServerCommand.Stop.class)
class ServerCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Stop the server.";

	@Command(name = "stop",
			description = { "Stop the server. Its apps and its managed web server keep running (the next start",
					"adopts them), unless --all stops them too (the next start starts them again)." })
	static class Stop extends ApiCommand {

		static final Duration WAIT = Duration.ofSeconds(60);

		@Option(names = "--all", description = "also stop every app's daemon and the managed web server")
		boolean all;

		@Override
		public Integer call() throws Exception {
			JsonNode result = call("server.stop", params("all", this.all));
			URI endpoint = client().endpoint();
			boolean gone = awaitGone(endpoint);
			return show(result, (stopped) -> {
				String pid = Text.cell(stopped, "pid");
				if (this.all) {
					JsonNode apps = stopped.get("apps");
					int count = (apps != null && apps.isArray()) ? apps.size() : 0;
					out().println("stopped the server (pid " + pid + "), the daemons of " + count
							+ ((count == 1) ? " app" : " apps") + ((count > 0) ? " (" + Text.cell(apps) + ")" : "")
							+ " and the web server (" + Text.cell(stopped, "webserver") + ")");
				}
				else {
					out().println("stopped the server (pid " + pid + "); its apps and its managed web server keep "
							+ "running and are adopted by its next start (pyapp server stop --all stops them too)");
				}
				if (!gone) {
					err().println("warning: the server still answered " + WAIT.toSeconds() + " s later");
				}
			});
		}

		/** Whether the API stopped accepting connections within {@link #WAIT}. */
		private static boolean awaitGone(URI endpoint) throws InterruptedException {
			int port = (endpoint.getPort() > 0) ? endpoint.getPort()
					: ("https".equals(endpoint.getScheme()) ? 443 : 80);
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (System.nanoTime() < deadline) {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(endpoint.getHost(), port), 500);
				}
				catch (IOException ex) {
					return true;
				}
				Thread.sleep(100);
			}
			return false;
		}

	}

}
