package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppNotAdopted;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Takes over the daemons that outlived a restart of this server (by the pid files in an
 * app's {@code run/}, each verified to be one of the app's daemons), replaces those a
 * server before app users ran as its own user by daemons of the app's user (gracefully),
 * stops the strays a crash of the last run left behind, and starts the apps that should
 * run but do not.
 */
@Component
public class DaemonAdoption {

	private static final Logger logger = LoggerFactory.getLogger(DaemonAdoption.class);

	/** The longest pid file read: a pid and a newline, with room to spare. */
	private static final int MAX_PID_FILE = 32;

	private final AppRegistry registry;

	private final SupervisedApps apps;

	private final DaemonStarts starts;

	private final AppContexts contexts;

	private final DaemonLauncher launcher;

	private final DaemonCgroups cgroups;

	private final AppIsolation isolation;

	private final VenvBuilder venvs;

	private final ApplicationEventPublisher events;

	private final GracefulRestart restarts;

	private final DaemonStops stops;

	DaemonAdoption(AppRegistry registry, SupervisedApps apps, DaemonStarts starts, AppContexts contexts,
			DaemonLauncher launcher, DaemonCgroups cgroups, AppIsolation isolation, VenvBuilder venvs,
			ApplicationEventPublisher events, GracefulRestart restarts, DaemonStops stops) {
		this.registry = registry;
		this.apps = apps;
		this.starts = starts;
		this.restarts = restarts;
		this.stops = stops;
		this.contexts = contexts;
		this.launcher = launcher;
		this.cgroups = cgroups;
		this.isolation = isolation;
		this.venvs = venvs;
		this.events = events;
	}

	/**
	 * Adopts the app's daemon, or starts the app, at once: {@link #adoptNow} and what it
	 * leaves to do.
	 * @param app the app
	 * @throws RuntimeException as the rest of {@link #adoptNow} does
	 */
	public void adopt(AppId app) {
		adoptNow(app).run();
	}

	/**
	 * The part of an adoption that waits for nothing, for the server to do before it
	 * answers calls: the daemon {@code run/app.pid} names, verified to be one of the
	 * app's, is live again (the app {@code running}, with its pid), or is known to be
	 * gone (the app stays {@code stopped} until its start). What may wait or take long is
	 * left to do: the events, a daemon of the server's user replaced, the strays of the
	 * last run stopped, the venvs awaited and the app started.
	 * @param app the app
	 * @return the rest of the adoption, to run once the server is up; it throws what the
	 * start of an app that should run threw, for its caller to log with the others (the
	 * rests of several apps run at once, each in its own order)
	 */
	public Runnable adoptNow(AppId app) {
		String release = this.registry.find(app).map((installed) -> installed.currentRelease()).orElse(null);
		Supervised s = this.apps.supervised(app);
		if (release == null) {
			Integer freed = s.adoptionEnded();
			return () -> {
				portFreed(app, freed);
				// a candidate of a first install the crash interrupted
				stopStrays(app, null);
			};
		}
		DaemonRecord record = this.apps.record(app).orElse(null);
		AppStarted adopted = null;
		Daemon foreign = null;
		boolean toStart;
		Integer recordedPort;
		try {
			synchronized (s) {
				// nothing to adopt or start if the app never started, was stopped
				// on purpose, failed (its status came from the record) or a deploy
				// started it
				toStart = record != null && s.wanted() && s.lifecycle.state() == DaemonLifecycle.State.STOPPED;
				Long pid = toStart ? readPid(this.apps.paths(app).pidFile()) : null;
				DaemonLauncher.Recognised recognised = (pid != null) ? this.launcher.verify(app, pid) : null;
				if (recognised != null) {
					Daemon daemon = daemonOf(app, pid, recognised, record, release);
					// started before the app had a user of its own (by the server, as its
					// own user): it serves on until a daemon of the app's user, in its
					// sandbox, replaces it once the server is up
					boolean replace = !this.isolation.runsAsApp(app, recognised.info());
					if (published(app, daemon, replace)) {
						logger.info("Adopted the {} daemon of {} (pid {}{})", recognised.server().displayName(), app,
								pid, replace ? ", uid " + recognised.info().uid()
										+ ": to be replaced by one of the app's own user" : "");
						s.lifecycle.adopted();
						adopted = this.apps.goLive(s, daemon);
						foreign = replace ? daemon : null;
					}
				}
			}
		}
		finally {
			// adopted (its port is in its status now), not found (its port is free), or
			// nothing to adopt
			recordedPort = s.adoptionEnded();
		}
		Daemon toReplace = foreign;
		AppStarted started = adopted;
		Integer freed = recordedPort;
		boolean start = toStart;
		return () -> adoptionRest(app, toReplace, started, freed, start);
	}

	private void adoptionRest(AppId app, @Nullable Daemon foreign, @Nullable AppStarted adopted,
			@Nullable Integer recordedPort, boolean toStart) {
		if (adopted != null) {
			if (stillLive(app, adopted.pid())) {
				this.events.publishEvent(adopted);
			}
			stopStrays(app, adopted.pid());
			if (foreign != null) {
				replace(app, foreign);
			}
			return;
		}
		portFreed(app, recordedPort);
		if (!toStart) {
			return;
		}
		stopStrays(app, null);
		this.venvs.awaitProvisioning(Duration.ofMinutes(10));
		this.starts.start(app);
	}

	/**
	 * Replaces an adopted daemon of the server's user by one of the app's user without a
	 * failed request (a graceful restart); if that fails while it is still the live one,
	 * stops it all the same, so that no app code runs as the server's user, and starts
	 * the app.
	 * @throws RuntimeException what that start threw
	 */
	private void replace(AppId app, Daemon foreign) {
		try {
			this.venvs.awaitProvisioning(Duration.ofMinutes(10));
			this.restarts.restart(app);
			logger.info("The daemon of {} runs as the app's own user now", app);
			return;
		}
		catch (RuntimeException ex) {
			if (!stillLive(app, foreign.pid())) {
				// a call stopped or replaced it meanwhile (an upgrade, a stop): that call
				// decided what runs now
				logger.info("The daemon of {} (pid {}) was replaced or stopped meanwhile", app, foreign.pid());
				return;
			}
			logger.error("Cannot replace the daemon of {} (pid {}) by one of the app's own user: {}; stopping it", app,
					foreign.pid(), ex.getMessage());
		}
		this.stops.stop(app);
		this.starts.start(app);
	}

	/**
	 * Whether the adopted daemon is still the app's live one. It may have crashed since
	 * the server's start (the crash watcher, once it began, reported it and a restart
	 * follows), or been stopped or replaced by a call: its {@link AppStarted} would then
	 * come after theirs and name a daemon that no longer runs.
	 */
	private boolean stillLive(AppId app, long pid) {
		Supervised s = this.apps.supervised(app);
		synchronized (s) {
			Daemon live = s.live();
			return live != null && live.pid() == pid && s.lifecycle.state() == DaemonLifecycle.State.RUNNING;
		}
	}

	/**
	 * The web server reached the app at the port its daemon had before the server's
	 * restart, and no daemon was adopted there: it must stop doing so now, not only once
	 * a start succeeds (which may wait for a venv and may fail), since any local process
	 * may bind that port.
	 * @param app the app
	 * @param recordedPort the port adoption stopped naming, or {@code null}
	 */
	private void portFreed(AppId app, @Nullable Integer recordedPort) {
		if (recordedPort != null) {
			this.events.publishEvent(new AppNotAdopted(app, recordedPort));
		}
	}

	private Daemon daemonOf(AppId app, long pid, DaemonLauncher.Recognised recognised, DaemonRecord record,
			String release) {
		ProcessInfo info = recognised.info();
		String running = (record.release() != null && record.pid() != null && record.pid().equals(pid))
				? record.release() : release;
		AppManifest manifest = this.contexts.manifest(app, running);
		boolean port = manifest.daemon().bind() == AppManifest.BindKind.PORT;
		// the daemon's own socket and pid file: a restart may have started it under the
		// other key of its release
		Path pidFile = pidFileOf(app, info, running);
		String key = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
		// the app's user and directories as this server has them (a server before it may
		// have made fewer); not its process context, whose sandbox waits for the search
		// for the host's interpreters, which a daemon that already runs does not need
		this.isolation.own(app);
		String cgroup = DaemonCgroups.cgroup(this.isolation.cgroup(app), key);
		// its stderr from here on: what the file holds already may be another daemon's of
		// the release, one it replaced before the server stopped, and a crash of this one
		// is explained with what it writes from now on
		Daemon daemon = new Daemon(running, pid, port ? null : liveSocket(app, running), port ? record.port() : null,
				pidFile, (info.started() != null) ? info.started() : Instant.now(), null,
				this.launcher.stderrEnd(app, running), recognised.server(), cgroup, 0);
		return daemon.withOomKills(this.cgroups.oomKills(daemon));
	}

	/**
	 * Whether a daemon to adopt has its socket given to the web server again (its link in
	 * {@code web/}, made anew: the app may have replaced its socket in {@code run/} while
	 * the server was down, and a server before {@code web/} made none). A daemon whose
	 * socket is no longer its own is stopped and started again.
	 */
	private boolean published(AppId app, Daemon daemon, boolean serverUsers) {
		try {
			this.launcher.publish(app, daemon, serverUsers);
			return true;
		}
		catch (PyappException ex) {
			logger.warn("Not adopting the daemon of {}: {}", app, ex.getMessage());
			return false;
		}
	}

	/** The socket {@code run/app.sock} points at, else the release's own. */
	private Path liveSocket(AppId app, String release) {
		AppPaths paths = this.apps.paths(app);
		try {
			Path target = paths.run().resolve(Files.readSymbolicLink(paths.socket())).normalize();
			if (target.getParent().equals(paths.run()) && target.getFileName().toString().startsWith("r-")) {
				return target;
			}
		}
		catch (IOException | UnsupportedOperationException ex) {
			// no link (yet): the release's own socket
		}
		return this.launcher.releaseSocket(app, release);
	}

	/**
	 * The pid file a daemon's command line names (gunicorn's {@code --pid}, uWSGI's
	 * {@code --pidfile}), else the release's.
	 */
	private Path pidFileOf(AppId app, ProcessInfo info, String release) {
		Path run = this.apps.paths(app).run();
		List<String> args = info.commandLine();
		int at = Math.max(args.indexOf("--pid"), args.indexOf("--pidfile"));
		if (at >= 0 && at + 1 < args.size()) {
			Path named = Path.of(args.get(at + 1)).normalize();
			if (run.equals(named.getParent())) {
				return named;
			}
		}
		return run.resolve(DaemonAddresses.releaseKey(release) + ".pid");
	}

	/**
	 * Stops the daemons of this app that a crash of the last run left behind: a candidate
	 * of an interrupted install or upgrade, an old daemon that was never retired. Each is
	 * found by its pid file in {@code run/} ({@link #strayNamedBy}) and verified to be
	 * one of this app's daemons.
	 */
	private void stopStrays(AppId app, @Nullable Long live) {
		Path run = this.apps.paths(app).run();
		if (!Files.isDirectory(run)) {
			return;
		}
		Daemon adopted = this.apps.supervised(app).live();
		Path livePidFile = (adopted != null && Long.valueOf(adopted.pid()).equals(live)) ? adopted.pidFile() : null;
		try (Stream<Path> files = Files.list(run)) {
			for (Path pidFile : files.filter((file) -> file.getFileName().toString().matches("r-[0-9a-f]+(-b)?\\.pid"))
				.toList()) {
				if (pidFile.equals(livePidFile)) {
					// the adopted daemon's own: no look through the host's processes
					continue;
				}
				if (!beforeThisRun(pidFile)) {
					// a daemon this run started (a deploy may already be under way) is
					// not a stray
					continue;
				}
				DaemonLauncher.Recognised stray = strayNamedBy(app, pidFile);
				if (stray == null) {
					deleteFilesOfEnded(app, pidFile);
					continue;
				}
				if (Long.valueOf(stray.info().pid()).equals(live)) {
					continue;
				}
				long pid = stray.info().pid();
				logger.warn("Stopping a daemon of {} left by the last run (pid {}, {})", app, pid,
						pidFile.getFileName());
				String appCgroup = this.isolation.cgroup(app);
				String cgroup = (appCgroup != null)
						? appCgroup + "/" + pidFile.getFileName().toString().replaceFirst("\\.pid$", "") : null;
				// its socket, so that its link in web/ goes with it
				Path socket = run.resolve(pidFile.getFileName().toString().replaceFirst("\\.pid$", ".sock"));
				this.launcher.stop(new Daemon("stray", pid, socket, null, pidFile, Instant.now(), null, 0,
						stray.server(), cgroup, 0));
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot look for daemons of {} left by the last run: {}", app, ex.getMessage());
		}
	}

	/**
	 * Deletes the pid file and the socket of a daemon of the last run that no longer runs
	 * (a candidate killed with its cgroup, or by SIGKILL, which left them): unless they
	 * are the live release's, which {@code run/app.sock} names and a start takes again.
	 * Nothing is deleted when that link cannot be read, unless no release of the app was
	 * ever live (an interrupted first install).
	 */
	private void deleteFilesOfEnded(AppId app, Path pidFile) {
		AppPaths paths = this.apps.paths(app);
		String key = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
		boolean released = this.registry.find(app).map((installed) -> installed.currentRelease() != null).orElse(true);
		if (released) {
			Path liveSocket;
			try {
				liveSocket = Files.readSymbolicLink(paths.socket());
			}
			catch (IOException | UnsupportedOperationException ex) {
				return;
			}
			if (liveSocket.getFileName().toString().equals(key + ".sock")) {
				return;
			}
		}
		logger.info("Deleting the files of a daemon of {} the last run left ({})", app, pidFile.getFileName());
		DaemonFiles.deleteQuietly(pidFile);
		DaemonFiles.deleteQuietly(paths.run().resolve(key + ".sock"));
		DaemonFiles.deleteQuietly(paths.web().resolve(key + ".sock"));
	}

	/**
	 * The daemon a pid file of the app's {@code run/} is of: the process of the pid it
	 * holds when that is one of the app's daemons (an app without a sandbox), else the
	 * master whose command line names the file (a sandboxed daemon writes its pid in its
	 * own PID namespace, a pid the host may give to any process).
	 */
	private DaemonLauncher.@Nullable Recognised strayNamedBy(AppId app, Path pidFile) {
		Long pid = readPid(pidFile);
		DaemonLauncher.Recognised recognised = (pid != null) ? this.launcher.verify(app, pid) : null;
		if (recognised != null && recognised.info().commandLine().contains(pidFile.toString())) {
			return recognised;
		}
		return this.launcher.naming(app, pidFile);
	}

	private static boolean beforeThisRun(Path file) {
		Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
		try {
			return Files.getLastModifiedTime(file).toInstant().isBefore(started);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The pid in a pid file of the app's {@code run/}, which the app can write: a link is
	 * not followed, no more than a pid's length is read (a huge file is not a way to
	 * exhaust the server's memory), and nothing the app can put there, even between a
	 * check and the open, blocks the reading thread ({@link AtomicFiles#openPlainFile}).
	 */
	static @Nullable Long readPid(Path file) {
		try (FileChannel channel = AtomicFiles.openPlainFile(file)) {
			if (channel == null) {
				return null;
			}
			ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_FILE + 1);
			while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
				// up to a pid's length, and one byte more to see that it is longer
			}
			if (buffer.position() > MAX_PID_FILE) {
				return null;
			}
			return Long.parseLong(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

}
