package dev.pyapp.server.mount.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongFunction;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.ExecResult;
import org.jspecify.annotations.Nullable;

/**
 * A graceful reload of the managed web server, and the wait until the new configuration
 * alone answers: for nginx and Apache, new workers run and none of the workers of the
 * configuration before still holds a listening socket; for lighttpd, which restarts in
 * its own process, its error log says it started again. Then every listen address must be
 * held by the instance.
 * <p>
 * Apache's master also starts workers of its own accord (to keep spare threads, and after
 * a reload one by one as the workers before end), and may start one of the old
 * configuration between the look at its workers and its handling of the signal. Such a
 * worker is told from a new one by the pipe each generation opens: a pipe the master
 * holds only since the signal marks the new generation; every other worker counts as old,
 * and must hold no listening socket before the reload is done. While it handles the
 * signal, the master holds no pipe at all (it closes the old generation's before it reads
 * the configuration, and opens the new one after): that is not read yet, never a reason
 * to tell the generations apart by pid alone, which would take such a late worker of the
 * old configuration for a new one.
 */
final class WebServerReload {

	private final WebServerKind kind;

	private final WebServerCommands commands;

	private final WebServerLogs logs;

	private final ListenAddresses listens;

	/** How long a reload waits at most for an Apache master's first generation. */
	static final Duration FIRST_GENERATION = Duration.ofSeconds(5);

	private final Duration timeout;

	private final LongFunction<Set<Long>> workers;

	WebServerReload(WebServerKind kind, WebServerCommands commands, WebServerLogs logs, ListenAddresses listens,
			Duration timeout) {
		this(kind, commands, logs, listens, timeout, WebServerReload::children);
	}

	/**
	 * A reload that finds a master's workers with a function of its own (tests).
	 * @param workers the workers of a master process
	 */
	WebServerReload(WebServerKind kind, WebServerCommands commands, WebServerLogs logs, ListenAddresses listens,
			Duration timeout, LongFunction<Set<Long>> workers) {
		this.kind = kind;
		this.commands = commands;
		this.logs = logs;
		this.listens = listens;
		this.timeout = timeout;
		this.workers = workers;
	}

	/**
	 * Reloads and waits.
	 * @param master the running instance's master process
	 * @throws PyappException ({@code FAILED}) with the error log's end if the new
	 * configuration does not answer within the start timeout, or another process holds
	 * one of its addresses
	 */
	void reload(long master) {
		if (this.kind == WebServerKind.APACHE) {
			awaitFirstGeneration(master);
		}
		Generation before = new Generation(workers(master), this.listens.pipes(master));
		int starts = this.logs.starts();
		ExecResult result = this.commands.reload(master);
		if (!result.succeeded()) {
			throw PyappException.failed("cannot reload " + this.kind.value(), result.output());
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		String waiting = reloaded(master, before, starts);
		while (waiting != null) {
			// another process on a new listen address: the new configuration cannot
			// bind it
			checkOwnership(master);
			if (System.nanoTime() > deadline) {
				throw PyappException.failed("the new " + this.kind.value() + " configuration does not answer: "
						+ waiting + "; the server keeps trying", this.logs.errorTail());
			}
			pause(Duration.ofMillis(20));
			waiting = reloaded(master, before, starts);
		}
		checkOwnership(master);
	}

	/**
	 * Waits until an Apache master holds its generation's pipe. Right after a start it
	 * may still read its configuration a second time, with neither pipe nor workers: a
	 * reload then would tell the generations apart by pid alone, and take the workers the
	 * master is about to start with the configuration it read for new ones. Bounded by
	 * the start timeout and {@link #FIRST_GENERATION}: where {@code /proc} cannot show
	 * the pipe, the reload goes on as before.
	 */
	private void awaitFirstGeneration(long master) {
		long deadline = System.nanoTime() + Math.min(this.timeout.toNanos(), FIRST_GENERATION.toNanos());
		while (this.listens.pipes(master).isEmpty() && System.nanoTime() < deadline
				&& ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false)) {
			pause(Duration.ofMillis(20));
		}
	}

	/** What the reload still waits for, or {@code null} once it took effect. */
	private @Nullable String reloaded(long master, Generation before, int starts) {
		if (!ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false)) {
			return this.kind.value() + " (pid " + master + ") ended";
		}
		if (this.kind == WebServerKind.LIGHTTPD) {
			if (this.logs.starts() <= starts) {
				return "lighttpd has not restarted with it yet";
			}
			return this.listens.listening() ? null : "nothing listens on " + this.listens.all();
		}
		// the master's pipes before its workers: once it holds the new generation's
		// pipe it starts no worker of the old one, so every such worker is in the list
		Set<String> pipes = this.listens.pipes(master);
		Set<Long> now = workers(master);
		Set<Long> previous = new HashSet<>(before.workers());
		boolean started;
		if (this.kind == WebServerKind.APACHE && !before.pipes().isEmpty()) {
			// none at all while the master handles the signal: between closing the old
			// generation's pipe and opening the new one (tens of ms under load), when a
			// worker it started just before the signal is of the old configuration
			// although it is not among the workers before (one answered the first request
			// after apply in ApacheUwsgiWebServerIT, about 1 CI run in 5)
			Set<String> opened = difference(pipes, before.pipes());
			if (opened.isEmpty()) {
				return "apache has not read the new configuration yet";
			}
			// every worker that does not hold the new generation's pipe counts as old:
			// those holding a pipe the master closed (late forks of the old generation
			// included) and any whose pipes cannot tell
			started = false;
			for (Long worker : now) {
				Set<String> held = this.listens.pipes(worker);
				if (held.stream().anyMatch(opened::contains)) {
					started = true;
				}
				else {
					previous.add(worker);
				}
			}
		}
		else {
			started = now.stream().anyMatch((worker) -> !previous.contains(worker));
		}
		if (!started) {
			return "no worker runs it yet";
		}
		String accepting = this.listens.previousWorkerAccepting(previous);
		if (accepting != null) {
			return accepting;
		}
		return this.listens.listening() ? null : "nothing listens on " + this.listens.all();
	}

	private static Set<String> difference(Set<String> from, Set<String> minus) {
		Set<String> rest = new HashSet<>(from);
		rest.removeAll(minus);
		return rest;
	}

	/**
	 * Checks that every listen address is held by the instance (its master process or its
	 * workers), not by another process such as an orphaned instance of an earlier run.
	 * @throws PyappException ({@code FAILED}) naming the address and the process
	 */
	private void checkOwnership(long master) {
		String foreign = this.listens.foreignHolder(master, this.commands::isOurs);
		if (foreign != null) {
			throw PyappException.failed(foreign, null);
		}
	}

	/**
	 * The workers of a configuration and the pipes its master held.
	 *
	 * @param workers the master's children
	 * @param pipes the master's pipe inodes (empty where {@code /proc} cannot tell)
	 */
	private record Generation(Set<Long> workers, Set<String> pipes) {
	}

	private Set<Long> workers(long master) {
		return this.workers.apply(master);
	}

	private static Set<Long> children(long master) {
		Set<Long> workers = new HashSet<>();
		ProcessHandle.of(master).ifPresent((handle) -> handle.children().forEach((child) -> workers.add(child.pid())));
		return workers;
	}

	/**
	 * Waits between two looks at the web server.
	 * @param duration how long
	 * @throws PyappException ({@code FAILED}) when interrupted
	 */
	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted while starting the web server", null);
		}
	}

}
