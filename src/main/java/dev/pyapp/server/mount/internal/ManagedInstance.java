package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerFailed;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.runtime.RestartPolicy;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.runtime.Restarter;
import dev.pyapp.server.nodes.ListeningSockets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed web server process: start, graceful reload, stop, adoption after a restart
 * of this server. A crash goes to the supervision every supervised process shares
 * ({@link Restarter}, as an app's daemon does): restarted after a backoff, and after too
 * many crashes within a window it stays failed until the next explicit start or apply. A
 * start or reload returns only once the new configuration alone answers on every listen
 * address, held by this instance's own processes ({@link ListenAddresses}); otherwise it
 * fails, naming what answers instead. Command lines are in {@link WebServerCommands}.
 *
 * <p>
 * This instance's monitor serializes its own starts, reloads and stops (there is one
 * process and one configuration: an apply and a restart after a crash must not overlap);
 * no other process's supervision waits on it.
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

	private final WebServerProperties properties;

	private final NodeShell shell;

	private final WebServerCommands commands;

	private final WebServerLogs logs;

	private final WebServerFiles files;

	private final ListenAddresses listens;

	private final WebServerReload reload;

	private final Restarter restarter;

	private final OtherKindInstances otherKinds;

	private volatile @Nullable Long pid;

	private volatile WebServerState state = WebServerState.STOPPED;

	private volatile @Nullable String message;

	private volatile boolean stopping;

	private volatile Consumer<WebServerFailed> gaveUp = (event) -> {
	};

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount, RestartScheduler restarts) {
		this(kind, settings, shell, properties, workerAccount, new ListeningSockets(),
				new Restarter(defaultPolicy(), restarts));
	}

	ManagedInstance(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties,
			Isolation.@Nullable Account workerAccount, ListeningSockets sockets, Restarter restarter) {
		this.kind = kind;
		this.properties = properties;
		this.shell = shell;
		this.commands = new WebServerCommands(kind, settings, shell, properties);
		this.logs = new WebServerLogs(kind, settings);
		this.files = new WebServerFiles(kind, settings, workerAccount);
		this.listens = new ListenAddresses(kind, sockets, this.logs::pidFileExists);
		this.reload = new WebServerReload(kind, this.commands, this.logs, this.listens, properties.startTimeout());
		this.restarter = restarter;
		this.otherKinds = new OtherKindInstances(kind, settings, shell, properties);
	}

	/**
	 * Sets what to tell when the restarts give up.
	 * @param listener called once each time, not under this instance's lock
	 */
	void onGaveUp(Consumer<WebServerFailed> listener) {
		this.gaveUp = listener;
	}

	/**
	 * Prepares the files the configuration of a model reads beside its own: the copies of
	 * its TLS files where the web server reads them after dropping root (lighttpd).
	 * @param model what is about to be applied
	 */
	void prepare(RenderModel model) {
		this.files.copyTls(model);
	}

	/**
	 * Deletes what {@link #prepare} made for configurations no longer applied.
	 * @param model what is applied now
	 */
	void applied(RenderModel model) {
		this.files.removeStaleTls(model);
	}

	/**
	 * Runs the web server's own configuration test.
	 * @param config the configuration file to test
	 * @return the outcome, with the web server's output
	 */
	ExecResult test(Path config) {
		this.files.createDirectories();
		return this.commands.test(config);
	}

	/**
	 * Makes the instance run the applied configuration: a graceful reload when it runs,
	 * else a start (waiting until it listens on every address).
	 * @param listens the {@code HOST:PORT} addresses the configuration listens on
	 * @throws PyappException ({@code FAILED}) with the web server's output if it does not
	 * start
	 */
	synchronized void startOrReload(List<String> listens) {
		this.listens.set(listens);
		this.restarter.reset();
		Long running = this.pid;
		this.files.readableByWorkers();
		if (running != null && this.commands.isOurs(running)) {
			this.reload.reload(running);
			return;
		}
		Long orphan = this.listens.findOrphan(this.commands::isOurs);
		if (orphan != null) {
			// ours, from a run of this server that ended without its pid file
			adopt(orphan);
			this.reload.reload(orphan);
			return;
		}
		start();
	}

	/**
	 * Takes over an instance a previous run of this server started (its pid file, or the
	 * sockets of its listen addresses, name a live process with our configuration);
	 * starts none (the applied state then is applied, which starts one).
	 * @param listens the {@code HOST:PORT} addresses the applied configuration listens on
	 * @return whether one was adopted
	 */
	synchronized boolean adoptRunning(List<String> listens) {
		this.listens.set(listens);
		this.restarter.reset();
		Long adopted = this.logs.readPidFile()
			.filter(this.commands::isOurs)
			.orElseGet(() -> this.listens.findOrphan(this.commands::isOurs));
		if (adopted != null) {
			adopt(adopted);
			return true;
		}
		return false;
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

	private void start() {
		this.otherKinds.stop();
		this.files.createDirectories();
		this.files.readableByWorkers();
		this.stopping = false;
		this.state = WebServerState.STARTING;
		long errors = this.logs.errorLogSize();
		RunningProcess process = this.shell
			.start(ExecRequest.of(this.commands.start()).withOutput(this.logs.output(), null));
		this.pid = process.pid();
		watch(process.pid(), process.exit());
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		while (true) {
			// another process on one of our addresses: ours would fail to bind it, and
			// that process would answer in its place
			String foreign = this.listens.foreignHolder(process.pid(), this.commands::isOurs);
			if (foreign != null || process.exit().isDone() || System.nanoTime() > deadline) {
				String log = this.logs.outputAndErrorTail();
				// not a stop on request: a restart after a crash tries again later
				terminate();
				this.state = WebServerState.FAILED;
				this.message = this.kind.value() + " did not start: "
						+ ((foreign != null) ? foreign : this.logs.lastError(errors));
				throw PyappException.failed(this.message, log);
			}
			if (this.listens.listening()) {
				break;
			}
			WebServerReload.pause(Duration.ofMillis(50));
		}
		this.state = WebServerState.RUNNING;
		this.message = null;
		logger.info("Started {} (pid {})", this.kind.value(), process.pid());
	}

	private void watch(long pid, CompletableFuture<?> exit) {
		exit.whenComplete((code, failure) -> {
			synchronized (this) {
				// an end during the start is the start's to report (it fails)
				if (this.stopping || !Long.valueOf(pid).equals(this.pid) || this.state == WebServerState.STARTING) {
					return;
				}
				this.pid = null;
				this.state = WebServerState.FAILED;
				crashed(this.kind.value() + " (pid " + pid + ") ended unexpectedly");
			}
		});
	}

	/**
	 * Counts a crash or a failed restart and has the next try scheduled, or gives up
	 * (state failed, no more tries until {@link #startOrReload}). Under this instance's
	 * lock.
	 */
	private void crashed(String what) {
		String givenUp = what + "; it failed " + this.restarter.limit() + " times within " + this.restarter.window()
				+ " and is not restarted any more: apply the configuration to start it again";
		WebServerFailed event = new WebServerFailed(this.kind.value(), givenUp);
		Duration delay = this.restarter.crashed(this::restart, () -> this.gaveUp.accept(event));
		if (delay == null) {
			this.message = givenUp;
			logger.error(givenUp);
			return;
		}
		this.message = what + "; restarting in " + delay.toMillis() / 1000.0 + " s";
		logger.warn(this.message);
	}

	private synchronized void restart() {
		if (this.stopping || this.pid != null) {
			return;
		}
		try {
			start();
		}
		catch (PyappException ex) {
			// start() failed and scheduled nothing: try again later, less and less often,
			// until the policy gives up; server.info shows the state failed and why
			crashed("restarting " + this.kind.value() + " failed: " + ex.getMessage());
		}
	}

	/**
	 * Stops the instance (TERM, then KILL after the start timeout) and waits for it.
	 */
	synchronized void stop() {
		this.stopping = true;
		this.restarter.cancel();
		terminate();
	}

	private void terminate() {
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
		this.restarter.cancel();
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

}
