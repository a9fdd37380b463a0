package dev.pyapp.server.mount.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed web servers of the other kinds that this {@code PYAPP_HOME} ran before
 * {@code pyapp.webserver.kind} changed. A server stopped without {@code --all} leaves its
 * managed lighttpd running on purpose; started again as nginx, it would find lighttpd on
 * its addresses and fail with "stop that process" (found in a trial). Such an instance is
 * recognised as the managed one is: its pid file in {@code webserver/run/} names a live
 * process whose command line holds this home's configuration file of that kind.
 */
final class OtherKindInstances {

	private static final Logger logger = LoggerFactory.getLogger(OtherKindInstances.class);

	private final WebServerKind kind;

	private final RenderSettings settings;

	private final NodeShell shell;

	private final WebServerProperties properties;

	OtherKindInstances(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties) {
		this.kind = kind;
		this.settings = settings;
		this.shell = shell;
		this.properties = properties;
	}

	/**
	 * Stops every managed instance of another kind that runs from this home: TERM, then
	 * KILL after the start timeout.
	 * @return the pids stopped
	 */
	List<Long> stop() {
		List<Long> stopped = new ArrayList<>();
		for (WebServerKind other : WebServerKind.values()) {
			if (other != this.kind) {
				running(other).ifPresent((pid) -> {
					stop(other, pid);
					stopped.add(pid);
				});
			}
		}
		return stopped;
	}

	private Optional<Long> running(WebServerKind other) {
		WebServerCommands commands = new WebServerCommands(other, this.settings, this.shell, this.properties);
		return new WebServerLogs(other, this.settings).readPidFile().filter(commands::isOurs);
	}

	private void stop(WebServerKind other, long pid) {
		logger.warn("Stopping the managed {} (pid {}) that this server ran before pyapp.webserver.kind became {}",
				other.value(), pid, this.kind.value());
		this.shell.signal(pid, Signal.TERM);
		Duration grace = this.properties.startTimeout();
		try {
			Optional<ProcessHandle> handle = ProcessHandle.of(pid);
			if (handle.isPresent()) {
				handle.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			// the caller is being stopped: the old instance is killed, and the
			// interrupt kept
			Thread.currentThread().interrupt();
			this.shell.signal(pid, Signal.KILL);
		}
		catch (Exception ex) {
			// still alive after the grace period: it is killed
			this.shell.signal(pid, Signal.KILL);
		}
	}

}
