package dev.pyapp.server.runtime.internal;

import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The cgroups of app daemons: one level per daemon below the app's, how often the kernel
 * killed a process in it for memory, new limits in place, and removal once the daemon has
 * stopped. A host without cgroups has none of them: the counts are 0 and the limits wait
 * for the next start.
 */
@Component
class DaemonCgroups {

	private static final Logger logger = LoggerFactory.getLogger(DaemonCgroups.class);

	private final HostIsolation host;

	DaemonCgroups(HostIsolation host) {
		this.host = host;
	}

	/**
	 * The cgroup of a daemon: a level of its own below the app's, named by the daemon's
	 * key (a release's two daemons during a graceful restart have one each).
	 * @param isolation the release's isolation
	 * @param key the daemon's key ({@code r-<hash>} or {@code r-<hash>-b})
	 * @return the cgroup, or {@code null} when the host has none
	 */
	static @Nullable String cgroup(Isolation isolation, String key) {
		return cgroup(isolation.cgroup(), key);
	}

	/**
	 * The cgroup of a daemon below its app's.
	 * @param appCgroup the app's cgroup, or {@code null} when the host has none
	 * @param key the daemon's key
	 * @return the cgroup, or {@code null} when the host has none
	 */
	static @Nullable String cgroup(@Nullable String appCgroup, String key) {
		return (appCgroup != null) ? appCgroup + "/" + key : null;
	}

	/**
	 * How many times the kernel killed a process of a daemon for memory.
	 * @param daemon the daemon
	 * @return the count (0 without a cgroup)
	 */
	long oomKills(Daemon daemon) {
		return (daemon.cgroup() != null) ? this.host.oomKills(daemon.cgroup()) : 0;
	}

	/**
	 * Gives a running daemon new limits in place (its cgroup's values and its processes'
	 * rlimits), without a restart.
	 * @param daemon the daemon
	 * @param isolation the isolation its release has now
	 * @return whether they are in force; false when they only apply from its next start
	 * (no cgroup, or a value the kernel refused, such as a memory limit below what it
	 * uses)
	 */
	boolean updateLimits(Daemon daemon, Isolation isolation) {
		if (daemon.cgroup() == null) {
			return false;
		}
		try {
			this.host.update(daemon.cgroup(), daemon.pid(), isolation);
			return true;
		}
		catch (NodeException ex) {
			logger.info("The new limits of the daemon of release {} apply from its next start: {}", daemon.release(),
					ex.getMessage());
			return false;
		}
	}

	/**
	 * Removes a cgroup and kills what is left in it (a crashed daemon under the same key
	 * may have left its cgroup behind).
	 * @param cgroup the cgroup
	 */
	void remove(String cgroup) {
		this.host.kill(cgroup);
	}

	/**
	 * Removes the cgroup of a daemon that ended by itself, if nothing runs in it any
	 * more; a cgroup that still has processes stays.
	 * @param daemon the daemon
	 */
	void removeIfEmpty(Daemon daemon) {
		if (daemon.cgroup() != null) {
			this.host.remove(daemon.cgroup());
		}
	}

	/**
	 * Removes what is left of a stopped daemon's cgroup.
	 * @param daemon the daemon
	 */
	void release(Daemon daemon) {
		if (daemon.cgroup() != null) {
			this.host.kill(daemon.cgroup());
		}
	}

}
