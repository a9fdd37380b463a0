package dev.pyapp.server.isolation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How an app is kept apart (SPEC §10, {@code apps.get} {@code isolation}).
 *
 * @param user the user its processes run as
 * @param uid that user's id
 * @param gid its group's id
 * @param ownUser whether it is the app's own user (false: the server's)
 * @param userReason why the app has no user of its own, or {@code null}
 * @param sandbox {@code bubblewrap} or {@code none}
 * @param sandboxReason why there is no sandbox, or {@code null}
 * @param limits each limit in force, its value and how it is enforced
 */
public record IsolationStatus(String user, int uid, int gid, boolean ownUser, @Nullable String userReason,
		String sandbox, @Nullable String sandboxReason, List<LimitStatus> limits) {
}
