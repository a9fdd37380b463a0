package dev.pyapp.server.isolation;

import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;

/**
 * The user an app's processes run as.
 *
 * @param account the user
 * @param own whether it is the app's own user (false: the server's)
 * @param reason why the app has no user of its own, or {@code null}
 */
record AppIdentity(Isolation.Account account, boolean own, @Nullable String reason) {
}
