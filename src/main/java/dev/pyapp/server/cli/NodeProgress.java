package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.time.Duration;

import dev.pyapp.server.cli.internal.RpcClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Prints the steps of a node's agent install while {@code nodes.install} runs, by polling
 * {@code nodes.list} for the node's {@code progress} (the install call itself answers
 * only at the end, after about a minute). A failed poll is skipped: the install's own
 * answer says what went wrong.
 */
final class NodeProgress implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	private final RpcClient client;

	private final String node;

	private final PrintWriter out;

	private final Thread thread;

	private @Nullable String shown;

	NodeProgress(RpcClient client, String node, PrintWriter out) {
		this.client = client;
		this.node = node;
		this.out = out;
		this.thread = new Thread(this::run, "pyapp-node-progress");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				poll();
				Thread.sleep(INTERVAL.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void poll() throws InterruptedException {
		JsonNode nodes;
		try {
			nodes = this.client.call("nodes.list", null);
		}
		catch (CliException ex) {
			// skipped, see the class comment
			return;
		}
		for (JsonNode node : nodes) {
			JsonNode progress = node.path("progress");
			if (this.node.equals(node.path("name").asString("")) && progress.path("message").isString()) {
				String line = progress.path("step").asString("") + ": " + progress.path("message").asString();
				if (!line.equals(this.shown)) {
					this.shown = line;
					synchronized (this.out) {
						this.out.println(line);
						this.out.flush();
					}
				}
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.thread.interrupt();
		this.thread.join(INTERVAL.toMillis() * 10);
	}

}
