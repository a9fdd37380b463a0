package dev.pyapp.server.isolation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The operator's default caps on every app's limits (SPEC §10 "Limits"): an app gets what
 * its {@code resources.limits} asks for, at most these (or what {@code apps.limits.set}
 * set for it); an app that asks for nothing gets these. Each applies to one process tree:
 * the daemon with its workers, one hook, one task run.
 *
 * @param memory memory per process tree (0: unlimited)
 * @param processes processes and threads per process tree (0: unlimited)
 * @param openFiles open files per process (0: unlimited)
 * @param cpu CPU time in cores per process tree (0: unlimited)
 */
@ConfigurationProperties("pyapp.runtime.limits")
record LimitsProperties(@DefaultValue("1GB") DataSize memory, @DefaultValue("512") int processes,
		@DefaultValue("4096") int openFiles, @DefaultValue("0") double cpu) {

	AppIsolationRecord.Caps caps() {
		return new AppIsolationRecord.Caps((this.memory.toBytes() > 0) ? this.memory.toBytes() : null,
				(this.processes > 0) ? this.processes : null, (this.openFiles > 0) ? this.openFiles : null,
				(this.cpu > 0) ? this.cpu : null);
	}

}
