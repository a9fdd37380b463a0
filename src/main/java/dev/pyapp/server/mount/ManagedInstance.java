package dev.pyapp.server.mount;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed web server process: configuration tests, start, graceful reload, stop,
 * adoption after a restart of this server, and restarts after a crash. Commands are
 * argument vectors run through {@link NodeShell}.
 */
class ManagedInstance {

	private static final Logger logger = LoggerFactory.getLogger(ManagedInstance.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

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

	private volatile Duration backoff = Duration.ofSeconds(1);

	private volatile List<String> listens = List.of();

	/**
	 * The web server's user when its workers switch to it (started as root), else null.
	 */
	private final Isolation.@Nullable Account workerAccount;

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties) {
		this(kind, settings, shell, properties, null);
	}

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount) {
		this.workerAccount = workerAccount;
		this.kind = kind;
		this.binary = properties.binary(kind);
		this.settings = settings;
		this.shell = shell;
		this.properties = properties;
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
		Long running = this.pid;
		readableByWorkers();
		if (running != null && isOurs(running)) {
			String signal = (this.kind == WebServerKind.NGINX) ? "HUP" : "USR1";
			ExecResult result = this.shell
				.exec(ExecRequest.of("kill", "-s", signal, running.toString()).withTimeout(Duration.ofSeconds(10)));
			if (!result.succeeded()) {
				throw PyappException.failed("cannot reload " + this.kind.value(), result.output());
			}
			return;
		}
		start();
	}

	/**
	 * Takes over an instance a previous run of this server started (its pid file names a
	 * live process with our configuration), or starts one.
	 */
	synchronized void adoptOrStart(List<String> listens) {
		this.listens = List.copyOf(listens);
		Optional<Long> adopted = readPidFile().filter(this::isOurs);
		if (adopted.isPresent()) {
			logger.info("Adopted the running {} (pid {})", this.kind.value(), adopted.get());
			watch(adopted.get(),
					ProcessHandle.of(adopted.get())
						.map(ProcessHandle::onExit)
						.orElse(CompletableFuture.completedFuture(null)));
			this.state = WebServerState.RUNNING;
			return;
		}
		start();
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
		RunningProcess process = this.shell.start(ExecRequest.of(command).withOutput(output, null));
		this.pid = process.pid();
		watch(process.pid(), process.exit());
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		while (!listening()) {
			if (process.exit().isDone() || System.nanoTime() > deadline) {
				String log = tail(output) + tail(this.settings.errorLog(this.kind));
				stop();
				this.state = WebServerState.FAILED;
				this.message = this.kind.value() + " did not start";
				throw PyappException.failed(this.kind.value() + " did not start", log);
			}
			pause(Duration.ofMillis(50));
		}
		this.state = WebServerState.RUNNING;
		this.message = null;
		logger.info("Started {} (pid {})", this.kind.value(), process.pid());
	}

	private void watch(long pid, CompletableFuture<?> exit) {
		exit.whenComplete((code, failure) -> {
			synchronized (this) {
				if (this.stopping || !Long.valueOf(pid).equals(this.pid)) {
					return;
				}
				this.pid = null;
				this.state = WebServerState.FAILED;
				this.message = this.kind.value() + " (pid " + pid + ") ended unexpectedly; restarting in "
						+ this.backoff.toSeconds() + " s";
				logger.warn(this.message);
				Duration delay = this.backoff;
				this.backoff = (delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : delay.multipliedBy(2);
				this.restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
			}
		});
	}

	private synchronized void restart() {
		if (this.stopping || this.pid != null) {
			return;
		}
		try {
			start();
			this.backoff = Duration.ofSeconds(1);
		}
		catch (PyappException ex) {
			// start() failed and scheduled nothing: try again later
			logger.warn("Restarting {} failed: {}", this.kind.value(), ex.getLog());
			this.restarts.schedule(this::restart, this.backoff.toMillis(), TimeUnit.MILLISECONDS);
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

	void close() {
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
