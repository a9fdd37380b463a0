package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Shows the progress of long work (install, update, rollback) while its synchronous call
 * runs: a second thread polls {@code apps.get {name}} and prints each new
 * {@code progress.step: message}. When only a git URL is known, the app is found in
 * {@code apps.list} by its source URL. Errors while polling are ignored: the app may not
 * exist yet, and the main call reports real failures.
 */
final class ProgressPoller implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(300);

	private final RpcClient client;

	private final JsonCodec json;

	private final PrintWriter out;

	private final @Nullable String gitUrl;

	private volatile @Nullable String name;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Thread thread;

	private @Nullable String last;

	private ProgressPoller(RpcClient client, JsonCodec json, PrintWriter out, @Nullable String name,
			@Nullable String gitUrl) {
		this.client = client;
		this.json = json;
		this.out = out;
		this.name = name;
		this.gitUrl = gitUrl;
		this.thread = new Thread(this::run, "pyapp-progress");
		this.thread.setDaemon(true);
	}

	/**
	 * Starts polling an app by name.
	 * @param client the API client
	 * @param json builds the params
	 * @param out where progress lines go
	 * @param name the app, or {@code null} when unknown (nothing is polled)
	 * @return the running poller; close it when the call returns
	 */
	static ProgressPoller forApp(RpcClient client, JsonCodec json, PrintWriter out, @Nullable String name) {
		return new ProgressPoller(client, json, out, name, null).start();
	}

	/**
	 * Starts polling the app installed from a git URL.
	 * @param client the API client
	 * @param json builds the params
	 * @param out where progress lines go
	 * @param gitUrl the repository URL given to {@code apps.install}
	 * @return the running poller; close it when the call returns
	 */
	static ProgressPoller forGit(RpcClient client, JsonCodec json, PrintWriter out, String gitUrl) {
		return new ProgressPoller(client, json, out, null, gitUrl).start();
	}

	private ProgressPoller start() {
		if (this.name != null || this.gitUrl != null) {
			this.thread.start();
		}
		return this;
	}

	private void run() {
		try {
			do {
				poll();
			}
			while (!this.stopped.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void poll() throws InterruptedException {
		try {
			String app = (this.name != null) ? this.name : findByUrl();
			if (app == null) {
				return;
			}
			this.name = app;
			JsonNode progress = this.client.call("apps.get", this.json.objectNode().put("name", app)).get("progress");
			if (progress == null || !progress.isObject()) {
				return;
			}
			String line = Text.cell(progress.get("step")) + ": " + Text.cell(progress.get("message"));
			if (!line.equals(this.last) && this.stopped.getCount() > 0) {
				this.last = line;
				this.out.println(line);
				this.out.flush();
			}
		}
		catch (CliException ex) {
			// not there yet, or a passing failure: the install call itself reports errors
		}
	}

	private @Nullable String findByUrl() throws InterruptedException {
		for (JsonNode app : ApiCommand.list(this.client.call("apps.list", null), "apps")) {
			JsonNode source = app.get("source");
			if (source != null && this.gitUrl != null && this.gitUrl.equals(Text.cell(source, "url"))) {
				return Text.cell(app, "name");
			}
		}
		return null;
	}

	/**
	 * Stops polling; no line is printed after this returns.
	 */
	@Override
	public void close() {
		this.stopped.countDown();
		if (this.thread.isAlive()) {
			try {
				this.thread.join(INTERVAL.toMillis() * 4);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
