package dev.pyapp.server.runtime.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What survives a restart of the server about an app's daemon: whether it should run,
 * which release it runs, and its crash history.
 *
 * @param app the app's name
 * @param running whether the operator wants it running
 * @param release the release of the live daemon, or {@code null}
 * @param pid the live daemon's pid, or {@code null}
 * @param port its port when bound to one, or {@code null}
 * @param started when it started, or {@code null}
 * @param restarts restarts after crashes
 * @param lastExit the exit code of the last crash, or {@code null}
 * @param reason why it failed, or {@code null}
 * @param failed whether it is in state {@code failed}
 * @param server the app server of the live daemon, or {@code null} (none yet, or a record
 * written before app servers were recorded: gunicorn)
 */
@Document("daemons")
public record DaemonRecord(@Id String app, boolean running, @Nullable String release, @Nullable Long pid,
		@Nullable Integer port, @Nullable Instant started, int restarts, @Nullable Integer lastExit,
		@Nullable String reason, boolean failed, @Nullable String server) {
}
