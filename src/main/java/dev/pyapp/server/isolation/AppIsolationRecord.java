package dev.pyapp.server.isolation;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What the server keeps about an app's isolation across restarts: its system user (so
 * that the same uid is adopted again, or the account made again with it) and the
 * operator's caps on its limits.
 *
 * @param app the app's name
 * @param user its system user, or {@code null} when it runs as the server's user
 * @param uid the user's id, or {@code null}
 * @param gid its group's id, or {@code null}
 * @param caps the operator's caps ({@code apps.limits.set}), or {@code null} for the
 * defaults
 */
@Document("app_isolation")
record AppIsolationRecord(@Id String app, @Nullable String user, @Nullable Integer uid, @Nullable Integer gid,
		@Nullable Caps caps) {

	AppIsolationRecord withAccount(@Nullable String user, @Nullable Integer uid, @Nullable Integer gid) {
		return new AppIsolationRecord(this.app, user, uid, gid, this.caps);
	}

	AppIsolationRecord withCaps(@Nullable Caps caps) {
		return new AppIsolationRecord(this.app, this.user, this.uid, this.gid, caps);
	}

	/**
	 * Caps on an app's limits, each {@code null} where the default applies.
	 *
	 * @param memory bytes
	 * @param processes processes and threads
	 * @param openFiles open files per process
	 * @param cpus cores
	 */
	record Caps(@Nullable Long memory, @Nullable Integer processes, @Nullable Integer openFiles,
			@Nullable Double cpus) {

		boolean isEmpty() {
			return this.memory == null && this.processes == null && this.openFiles == null && this.cpus == null;
		}

	}

}
