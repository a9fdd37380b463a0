package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.cli.internal.JsonCodec;
import dev.pyapp.server.cli.internal.RpcClient;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Shows the progress of long work (install, update, rollback) while its synchronous call
 * runs. A second thread reads the deploy's records (logger {@code pyapp.deploy}, found
 * with {@code logs.query} after the cursor {@code logs.tail} gave before the work
 * started) and prints, in the order they happened, each step as {@code step: message} and
 * below it, indented, what the hooks printed, the requirements pip fetches and any
 * warning. Every step is shown, however short. Without a log store it falls back to
 * polling {@code apps.get {name}} for the current {@code progress}, which can miss short
 * steps. When only a git URL is known, the app is found in {@code apps.list} by its
 * source URL. Errors while polling are ignored: the app may not exist yet, and the main
 * call reports real failures.
 */
final class ProgressPoller implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(300);

	/** How long {@link #close()} waits for the last records to be stored. */
	private static final Duration SETTLE = Duration.ofSeconds(1);

	/** A deploy record: {@code [pre-update] Applying app.0001_initial... OK}. */
	private static final Pattern RECORD = Pattern.compile("\\[([\\w-]{1,40})\\] (.*)", Pattern.DOTALL);

	private static final Pattern HOOK_STEP = Pattern.compile("post-install|pre-update|post-update|pre-delete");

	private static final Pattern DONE = Pattern.compile("[\\w-]+ done in \\d+ ms");

	/**
	 * What pip starts on while the venv step runs (a requirement it fetches from an
	 * index, a local file it takes, from {@code deps/} or a {@code file:} index, then the
	 * install of them all): a build of big wheels takes minutes, which the step's one
	 * line left silent; and whether an upgrade reuses the live release's environment, or
	 * why not. Its other lines stay in {@code pyapp logs}.
	 */
	private static final Pattern PIP_PROGRESS = Pattern
		.compile("Collecting |Processing |Installing collected packages: "
				+ "|reusing the environment of |copied the environment of |building the environment from nothing: ");

	private final RpcClient client;

	private final JsonCodec json;

	private final PrintWriter out;

	private final @Nullable String gitUrl;

	private volatile @Nullable String name;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Thread thread;

	private @Nullable String last;

	/** The step of the last record shown: a record of another step starts a step. */
	private @Nullable String step;

	/** The newest record id when the work started: older records are not shown. */
	private long cursor = -1;

	private final Set<String> shown = new HashSet<>();

	/** The warnings printed, so that a command need not repeat one in its summary. */
	private final Set<String> warnings = ConcurrentHashMap.newKeySet();

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
			try {
				JsonNode tail = this.client.call("logs.tail", this.json.objectNode());
				this.cursor = Long.parseLong(Text.cell(tail.get("cursor")));
			}
			catch (CliException | NumberFormatException ex) {
				// an older server, or no log store: the steps are still shown
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return this;
			}
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
			if (this.cursor >= 0) {
				records(app, false);
			}
			else {
				currentStep(app);
			}
		}
		catch (CliException ex) {
			// not there yet, or a passing failure: the install call itself reports errors
		}
	}

	/** Without records: the step the app is in now. */
	private void currentStep(String app) throws InterruptedException {
		JsonNode progress = this.client.call("apps.get", this.json.objectNode().put("name", app)).get("progress");
		if (progress != null && progress.isObject()) {
			String line = Text.cell(progress.get("step")) + ": " + Text.cell(progress.get("message"));
			if (!line.equals(this.last) && this.stopped.getCount() > 0) {
				this.last = line;
				this.out.println(line);
				this.out.flush();
			}
		}
	}

	/**
	 * Prints the steps and output recorded since the last poll.
	 * @return how many records were new
	 */
	private synchronized int records(String app, boolean last) throws InterruptedException {
		if (!last && this.stopped.getCount() == 0) {
			// after close(), only its own last calls print
			return 0;
		}
		JsonNode records = ApiCommand.list(
				this.client.call("logs.query",
						this.json.objectNode().put("app", app).put("logger", "pyapp.deploy").put("limit", 500)),
				"records");
		List<JsonNode> fresh = new ArrayList<>();
		for (JsonNode record : records) {
			String id = Text.cell(record.get("id"));
			if (id(id) > this.cursor && !this.shown.contains(id)) {
				fresh.add(record);
			}
		}
		fresh.sort(Comparator.comparingLong((record) -> id(Text.cell(record.get("id")))));
		for (JsonNode record : fresh) {
			this.shown.add(Text.cell(record.get("id")));
			JsonNode message = record.get("message");
			Matcher matcher = RECORD.matcher((message != null && message.isString()) ? message.stringValue() : "");
			if (matcher.matches()) {
				show(matcher.group(1), Text.clean(matcher.group(2)).stripTrailing(), Text.cell(record.get("level")));
			}
		}
		this.out.flush();
		return fresh.size();
	}

	/** Prints one record: the first of a step names it, then hook output and warnings. */
	private void show(String step, String message, String level) {
		if ("WARNING".equals(level)) {
			this.warnings.add(message);
		}
		if (!step.equals(this.step)) {
			this.step = step;
			this.out.println(step + ": " + message);
			return;
		}
		boolean hook = HOOK_STEP.matcher(step).matches();
		boolean pip = "venv".equals(step) && PIP_PROGRESS.matcher(message).lookingAt();
		if ((hook && !DONE.matcher(message).matches() && !message.startsWith(step + " failed: ")) || pip
				|| "WARNING".equals(level)) {
			this.out.println("  " + message);
		}
	}

	/**
	 * Whether the progress showed this warning already.
	 * @param message the warning's text
	 * @return whether it was printed
	 */
	boolean showedWarning(String message) {
		return this.warnings.contains(message);
	}

	private static long id(String id) {
		try {
			return Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			return -1;
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
	 * Stops polling and prints the steps and output not shown yet; no line is printed
	 * after this returns.
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
		String app = this.name;
		if (app != null && this.cursor >= 0 && this.thread.getState() != Thread.State.NEW) {
			try {
				// what happened since the last poll (post-update runs last), once stored
				// (stored a few milliseconds after they happen): read until a read a
				// little later finds nothing new
				long deadline = System.nanoTime() + SETTLE.toNanos();
				records(app, true);
				do {
					Thread.sleep(INTERVAL.toMillis() / 3);
				}
				while (records(app, true) > 0 && System.nanoTime() < deadline);
			}
			catch (CliException ex) {
				// the work's own result is what counts
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
