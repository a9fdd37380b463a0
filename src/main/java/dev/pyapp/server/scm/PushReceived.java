package dev.pyapp.server.scm;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * A post-commit hook delivered a correctly signed push that was not seen before. Whether
 * the app's strategy follows the ref is for the listener to decide. Published
 * synchronously on the request's thread: listeners hand slow work to their own threads.
 *
 * @param app the app the hook belongs to
 * @param hookId the hook
 * @param provider who sent it ({@code github}, ...)
 * @param delivery the delivery id
 * @param ref the pushed ref, such as {@code refs/heads/main} or {@code refs/tags/v1.2.0}
 * @param after the commit the ref points to now, or {@code null} if not given
 */
public record PushReceived(AppId app, String hookId, String provider, String delivery, String ref,
		@Nullable String after) {
}
