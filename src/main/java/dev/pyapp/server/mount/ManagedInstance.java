package dev.pyapp.server.mount;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.runtime.RestartPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed web server process: configuration tests, start, graceful reload, stop,
 * adoption after a restart of this server, and restarts after a crash with the apps'
 * give-up rule ({@link RestartPolicy}: after too many crashes within a window it stays
 * failed until the next explicit start or apply). Commands are argument vectors run
 * through {@link NodeShell}. A start or reload returns only once the new configuration
 * alone answers on every listen address, held by this instance's own processes
 * ({@link ListeningSockets}); otherwise it fails, naming what answers instead.
 */
class ManagedInstance {

	private static final Logger logger = LoggerFactory.getLogger(ManagedInstance.class);

	/**
	 * Restarts after a crash: after 1 s, doubling up to 30 s; 5 crashes (or failed
	 * restarts) within 5 minutes give up until the next explicit start or apply, as an
	 * app's daemon does.
	 */
	static RestartPolicy defaultPolicy() {
		return new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5, Duration.ofMinutes(5));
	}

	private final WebServerKind kind;

	private final Path binary;

	private final RenderSettings settings;

	private final NodeShell shell;

	private final WebServerProperties properties;

	private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "webserver-restart");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable Long pid;

	private volatile WebServerState state = WebServerState.STOPPED;

	private volatile @Nullable String message;

	private volatile boolean stopping;

	/** Guarded by this instance's monitor. */
	private final RestartPolicy policy;

	private @Nullable ScheduledFuture<?> restart;

	private volatile Consumer<WebServerFailed> gaveUp = (event) -> {
	};

	private volatile List<String> listens = List.of();

	private final ListeningSockets sockets;

	/**
	 * The web server's user when its workers switch to it (started as root), else null.
	 */
	private final Isolation.@Nullable Account workerAccount;

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties) {
		this(kind, settings, shell, properties, null);
	}

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount) {
		this(kind, settings, shell, properties, workerAccount, new ListeningSockets());
	}

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount, ListeningSockets sockets) {
		this(kind, settings, shell, properties, workerAccount, sockets, defaultPolicy());
	}

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount, ListeningSockets sockets, RestartPolicy policy) {
		this.policy = policy;
		this.sockets = sockets;
		this.workerAccount = workerAccount;
		this.kind = kind;
		this.binary = properties.binary(kind);
		this.settings = settings;
		this.shell = shell;
		this.properties = properties;
	}

	/**
	 * Sets what to tell when the restarts give up.
	 * @param listener called once each time, not under this instance's lock
	 */
	void onGaveUp(Consumer<WebServerFailed> listener) {
		this.gaveUp = listener;
	}

	/**
	 * Runs the web server's own configuration test.
	 * @param config the configuration file to test
	 * @return the outcome, with the web server's output
	 */
	ExecResult test(Path config) {
		createDirectories();
		List<String> command = new ArrayList<>(List.of(this.binary.toString()));
		switch (this.kind) {
			case NGINX -> command.addAll(List.of("-t", "-p", this.settings.directory() + "/", "-c", config.toString()));
			case APACHE -> command.addAll(List.of("-t", "-f", config.toString()));
			case LIGHTTPD -> command.addAll(List.of("-tt", "-f", config.toString()));
		}
		return this.shell.exec(ExecRequest.of(command).withTimeout(this.properties.commandTimeout()));
	}

	/**
	 * Makes the instance run {@link RenderSettings#config}: a graceful reload when it
	 * runs, else a start (waiting until it listens on every address).
	 * @param listens the {@code HOST:PORT} addresses the configuration listens on
	 * @throws PyappException ({@code FAILED}) with the web server's output if it does not
	 * start
	 */
	synchronized void startOrReload(List<String> listens) {
		this.listens = List.copyOf(listens);
		retryFromScratch();
		Long running = this.pid;
		readableByWorkers();
		if (running != null && isOurs(running)) {
			reload(running);
			return;
		}
		Long orphan = findOrphan();
		if (orphan != null) {
			// ours, from a run of this server that ended without its pid file
			adopt(orphan);
			reload(orphan);
			return;
		}
		start();
	}

	/**
	 * Takes over an instance a previous run of this server started (its pid file, or the
	 * sockets of its listen addresses, name a live process with our configuration), or
	 * starts one.
	 */
	synchronized void adoptOrStart(List<String> listens) {
		this.listens = List.copyOf(listens);
		retryFromScratch();
		Long adopted = readPidFile().filter(this::isOurs).orElseGet(this::findOrphan);
		if (adopted != null) {
			adopt(adopted);
			return;
		}
		start();
	}

	private void adopt(long master) {
		logger.info("Adopted the running {} (pid {})", this.kind.value(), master);
		this.stopping = false;
		this.pid = master;
		this.state = WebServerState.RUNNING;
		this.message = null;
		watch(master,
				ProcessHandle.of(master).map(ProcessHandle::onExit).orElse(CompletableFuture.completedFuture(null)));
	}

	/**
	 * A process that holds one of the listen addresses and runs our configuration: the
	 * managed instance of an earlier run whose pid file is gone or wrong.
	 */
	private @Nullable Long findOrphan() {
		if (!this.sockets.available()) {
			return null;
		}
		for (String listen : this.listens) {
			Set<Long> holders = this.sockets.holders(listen);
			for (Long holder : holders) {
				// the master, not one of its workers (Apache's carry the same command
				// line)
				boolean root = ProcessHandle.of(holder)
					.flatMap(ProcessHandle::parent)
					.map((parent) -> !holders.contains(parent.pid()))
					.orElse(true);
				if (root && isOurs(holder)) {
					return holder;
				}
			}
		}
		return null;
	}

	/**
	 * Reloads gracefully and waits until the new configuration alone answers: for nginx
	 * and Apache, new workers run and none of the workers from before still holds a
	 * listening socket; for lighttpd, which restarts in its own process, its error log
	 * says it started again. Then every listen address must be held by this instance.
	 * @throws PyappException ({@code FAILED}) with the error log's end otherwise
	 */
	private void reload(long master) {
		Set<Long> before = workers(master);
		int starts = starts();
		String signal = (this.kind == WebServerKind.NGINX) ? "HUP" : "USR1";
		ExecResult result = this.shell
			.exec(ExecRequest.of("kill", "-s", signal, Long.toString(master)).withTimeout(Duration.ofSeconds(10)));
		if (!result.succeeded()) {
			throw PyappException.failed("cannot reload " + this.kind.value(), result.output());
		}
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		String waiting = reloaded(master, before, starts);
		while (waiting != null) {
			// another process on a new listen address: the new configuration cannot bind
			// it
			checkOwnership(master);
			if (System.nanoTime() > deadline) {
				throw PyappException.failed("the new " + this.kind.value() + " configuration does not answer: "
						+ waiting + "; the server keeps trying", tail(this.settings.errorLog(this.kind)));
			}
			pause(Duration.ofMillis(20));
			waiting = reloaded(master, before, starts);
		}
		checkOwnership(master);
	}

	/** What the reload still waits for, or {@code null} once it took effect. */
	private @Nullable String reloaded(long master, Set<Long> before, int starts) {
		if (!ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false)) {
			return this.kind.value() + " (pid " + master + ") ended";
		}
		if (this.kind == WebServerKind.LIGHTTPD) {
			if (starts() <= starts) {
				return "lighttpd has not restarted with it yet";
			}
			return listening() ? null : "nothing listens on " + this.listens;
		}
		Set<Long> now = workers(master);
		if (now.stream().noneMatch((worker) -> !before.contains(worker))) {
			return "no worker runs it yet";
		}
		if (this.sockets.available()) {
			Set<String> listening = new HashSet<>();
			this.listens.forEach((listen) -> listening.addAll(this.sockets.inodes(listen)));
			for (Long old : before) {
				if (ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)
						&& this.sockets.sockets(old).stream().anyMatch(listening::contains)) {
					return "a worker of the previous configuration (pid " + old + ") still accepts connections";
				}
			}
		}
		return listening() ? null : "nothing listens on " + this.listens;
	}

	/**
	 * Checks that every listen address is held by this instance (its master process or
	 * its workers), not by another process such as an orphaned instance of an earlier
	 * run.
	 * @throws PyappException ({@code FAILED}) naming the address and the process
	 */
	private void checkOwnership(long master) {
		String foreign = foreignHolder(master);
		if (foreign != null) {
			throw PyappException.failed(foreign, null);
		}
	}

	private @Nullable String foreignHolder(long master) {
		if (!this.sockets.available()) {
			return null;
		}
		for (String listen : this.listens) {
			Set<Long> holders = this.sockets.visibleHolders(listen);
			if (holders == null) {
				return listen + " is held by a process this server cannot see, not by the managed " + this.kind.value()
						+ " (pid " + master + ")";
			}
			for (Long holder : holders) {
				// a worker started since the sockets were read is ours too; a process
				// gone
				// since answers nobody
				if (!ListeningSockets.descendsFrom(holder, master) && ProcessHandle.of(holder).isPresent()) {
					return listen + " is held by " + this.sockets.describe(holder) + ", not by the managed "
							+ this.kind.value() + " (pid " + master + "); stop that process";
				}
			}
		}
		return null;
	}

	private Set<Long> workers(long master) {
		Set<Long> workers = new HashSet<>();
		ProcessHandle.of(master).ifPresent((handle) -> handle.children().forEach((child) -> workers.add(child.pid())));
		return workers;
	}

	/**
	 * How often lighttpd's error log says it started (it restarts in its own process).
	 */
	private int starts() {
		if (this.kind != WebServerKind.LIGHTTPD) {
			return 0;
		}
		try {
			String log = Files.readString(this.settings.errorLog(this.kind), StandardCharsets.UTF_8);
			int count = 0;
			for (int at = log.indexOf(") server started"); at >= 0; at = log.indexOf(") server started", at + 1)) {
				count++;
			}
			return count;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private void start() {
		createDirectories();
		readableByWorkers();
		Path config = this.settings.config(this.kind);
		List<String> command = new ArrayList<>(List.of(this.binary.toString()));
		switch (this.kind) {
			case NGINX -> command.addAll(List.of("-p", this.settings.directory() + "/", "-c", config.toString()));
			case APACHE -> command.addAll(List.of("-f", config.toString(), "-DFOREGROUND"));
			case LIGHTTPD -> command.addAll(List.of("-D", "-f", config.toString()));
		}
		Path output = this.settings.directory().resolve("logs").resolve(this.kind.value() + "-stdout.log");
		this.stopping = false;
		this.state = WebServerState.STARTING;
		long errors = size(this.settings.errorLog(this.kind));
		RunningProcess process = this.shell.start(ExecRequest.of(command).withOutput(output, null));
		this.pid = process.pid();
		watch(process.pid(), process.exit());
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		while (true) {
			// another process on one of our addresses: ours would fail to bind it, and
			// that process would answer in its place
			String foreign = foreignHolder(process.pid());
			if (foreign != null || process.exit().isDone() || System.nanoTime() > deadline) {
				String log = tail(output) + tail(this.settings.errorLog(this.kind));
				stop();
				this.state = WebServerState.FAILED;
				this.message = this.kind.value() + " did not start: "
						+ ((foreign != null) ? foreign : lastError(this.settings.errorLog(this.kind), errors, output));
				throw PyappException.failed(this.message, log);
			}
			if (listening()) {
				break;
			}
			pause(Duration.ofMillis(50));
		}
		this.state = WebServerState.RUNNING;
		this.message = null;
		logger.info("Started {} (pid {})", this.kind.value(), process.pid());
	}

	/** The last error the web server logged since an offset, for people. */
	private static String lastError(Path errorLog, long since, Path output) {
		String text = "";
		try {
			if (Files.exists(errorLog)) {
				byte[] all = Files.readAllBytes(errorLog);
				text = new String(all, (int) Math.min(since, all.length), (int) Math.max(0, all.length - since),
						StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			// fall back to its standard output
		}
		if (text.isBlank()) {
			text = tail(output);
		}
		String[] lines = text.strip().split("\n");
		String last = lines[lines.length - 1].strip();
		return last.isEmpty() ? "it exited (see its error log)" : last;
	}

	private static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** An explicit start or apply: crashes so far no longer count. */
	private void retryFromScratch() {
		this.policy.reset();
		if (this.restart != null) {
			this.restart.cancel(false);
			this.restart = null;
		}
	}

	private void watch(long pid, CompletableFuture<?> exit) {
		exit.whenComplete((code, failure) -> {
			synchronized (this) {
				if (this.stopping || !Long.valueOf(pid).equals(this.pid)) {
					return;
				}
				this.pid = null;
				boolean failedStart = this.state == WebServerState.FAILED;
				this.state = WebServerState.FAILED;
				// a failed start says why itself
				scheduleRestart(
						failedStart ? this.message : this.kind.value() + " (pid " + pid + ") ended unexpectedly");
			}
		});
	}

	/**
	 * Counts a crash or a failed restart and schedules the next try, or gives up (state
	 * failed, no more tries until {@link #startOrReload} or {@link #adoptOrStart}).
	 */
	private void scheduleRestart(@Nullable String what) {
		Duration delay = this.policy.crashed(Instant.now());
		if (delay == null) {
			String message = what + "; it failed " + this.policy.limit() + " times within " + this.policy.window()
					+ " and is not restarted any more: apply the configuration to start it again";
			this.message = message;
			logger.error(message);
			WebServerFailed event = new WebServerFailed(this.kind.value(), message);
			// told on another thread: a listener must not run under this instance's lock
			this.restarts.execute(() -> this.gaveUp.accept(event));
			return;
		}
		this.message = what + "; restarting in " + delay.toMillis() / 1000.0 + " s";
		logger.warn(this.message);
		this.restart = this.restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private synchronized void restart() {
		this.restart = null;
		if (this.stopping || this.pid != null) {
			return;
		}
		try {
			start();
		}
		catch (PyappException ex) {
			// start() failed and scheduled nothing: try again later, less and less often,
			// until the policy gives up; server.info shows the state failed and why
			scheduleRestart("restarting " + this.kind.value() + " failed: " + ex.getMessage());
		}
	}

	/**
	 * Stops the instance (TERM, then KILL after the start timeout) and waits for it.
	 */
	synchronized void stop() {
		this.stopping = true;
		Long running = this.pid;
		this.pid = null;
		this.state = WebServerState.STOPPED;
		if (running == null) {
			return;
		}
		this.shell.signal(running, Signal.TERM);
		Optional<ProcessHandle> handle = ProcessHandle.of(running);
		try {
			if (handle.isPresent()) {
				handle.get().onExit().get(this.properties.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (Exception ex) {
			// still alive after the grace period, or interrupted: it is killed below
			this.shell.signal(running, Signal.KILL);
		}
	}

	/**
	 * Lets go of the instance without stopping it (this server ends; the next start
	 * adopts it): no restart is scheduled any more.
	 */
	void close() {
		this.stopping = true;
		this.restarts.shutdownNow();
	}

	@Nullable Long pid() {
		return this.pid;
	}

	WebServerState state() {
		return this.state;
	}

	@Nullable String message() {
		return this.message;
	}

	private boolean isOurs(long pid) {
		String config = this.settings.config(this.kind).toString();
		// nginx rewrites its command line into one string ("nginx: master process ...")
		return this.shell.process(pid)
			.map(ProcessInfo::commandLine)
			.map((line) -> String.join(" ", line).contains(config))
			.orElse(false);
	}

	private Optional<Long> readPidFile() {
		try {
			return Optional.of(Long.parseLong(Files.readString(this.settings.pidFile(this.kind)).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private boolean listening() {
		for (String listen : this.listens) {
			String host = listen.substring(0, listen.lastIndexOf(':'));
			host = host.equals("*") ? "127.0.0.1" : host.replace("[", "").replace("]", "");
			int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(host, port), 200);
			}
			catch (IOException ex) {
				return false;
			}
		}
		// without listen addresses, a process that is still alive has started
		return !this.listens.isEmpty() || Files.exists(this.settings.pidFile(this.kind));
	}

	/**
	 * lighttpd reads its configuration again on a graceful reload, after it has dropped
	 * root: the file is its group's to read (it names paths, no secrets).
	 */
	private void readableByWorkers() {
		Path config = this.settings.config(this.kind);
		if (this.kind == WebServerKind.LIGHTTPD && this.workerAccount != null && Files.exists(config)) {
			FileModes.set(config, FileModes.owner(config), this.workerAccount.gid(), 0640);
		}
	}

	private void createDirectories() {
		try {
			for (Path dir : List.of(this.settings.runDirectory(), this.settings.tmp(this.kind), this.settings.empty(),
					this.settings.directory().resolve("logs"), this.settings.directory().resolve("staging"))) {
				Files.createDirectories(dir);
			}
			if (this.workerAccount != null) {
				// the workers (the web server's user) pass on to their temporary files
				// and, for lighttpd, to its configuration and logs; nobody else does
				Path directory = this.settings.directory();
				for (Path dir : List.of(directory, directory.resolve("tmp"), this.settings.tmp(this.kind),
						directory.resolve("logs"))) {
					FileModes.set(dir, FileModes.owner(dir), this.workerAccount.gid(), 0710);
				}
			}
			if (this.kind == WebServerKind.LIGHTTPD && this.workerAccount != null) {
				// lighttpd opens its logs after it has dropped root: they are its user's
				for (Path log : List.of(this.settings.errorLog(this.kind), this.settings.accessLogFile(this.kind))) {
					if (!Files.exists(log)) {
						Files.createFile(log);
					}
					FileModes.set(log, this.workerAccount.uid(), this.workerAccount.gid(), 0640);
				}
			}
		}
		catch (IOException ex) {
			throw PyappException.failed("cannot create the web server's directories", ex.getMessage());
		}
	}

	private static String tail(Path file) {
		try {
			String text = Files.readString(file, StandardCharsets.UTF_8);
			return (text.length() > 4000) ? text.substring(text.length() - 4000) : text;
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted while starting the web server", null);
		}
	}

}
