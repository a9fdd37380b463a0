package dev.pyapp.server.nodes;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How app processes are separated from the host and from each other (SPEC §10).
 *
 * @param users whether every app gets a system user and group of its own when the server
 * runs as root (false: apps run as the server's user)
 * @param sandbox whether app processes run inside a bubblewrap sandbox
 * @param webUser the unprivileged user the web server's workers run as; its group is the
 * only one that may reach app sockets and static files
 * @param systemDirectories the host directories every sandbox sees read-only (the ones
 * that do not exist are left out; a symlink such as {@code /bin -> usr/bin} stays one)
 * @param cgroupRoot where the cgroup file systems are mounted
 * @param cgroupParent the cgroup (below each hierarchy's root) that holds the apps'
 * cgroups
 * @param mounts the mount table that tells cgroup v1 from v2
 * @param bwrap the bubblewrap binary
 * @param setpriv util-linux {@code setpriv}, which drops to an app's user
 * @param prlimit util-linux {@code prlimit}, which sets rlimits
 */
@ConfigurationProperties("pyapp.isolation")
record IsolationProperties(@DefaultValue("true") boolean users, @DefaultValue("true") boolean sandbox,
		@DefaultValue("www-data") String webUser, @DefaultValue( {
				"/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
				"/libx32" }) List<String> systemDirectories,
		@DefaultValue("/sys/fs/cgroup") Path cgroupRoot, @DefaultValue("pyapp") String cgroupParent,
		@DefaultValue("/proc/self/mounts") Path mounts, @DefaultValue("/usr/bin/bwrap") Path bwrap,
		@DefaultValue("/usr/bin/setpriv") Path setpriv, @DefaultValue("/usr/bin/prlimit") Path prlimit){

	List<Path> systemPaths() {
		return this.systemDirectories.stream().map((dir) -> Path.of(dir)).toList();
	}

}
