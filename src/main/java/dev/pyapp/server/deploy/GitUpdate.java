package dev.pyapp.server.deploy;

import dev.pyapp.server.install.Release;
import dev.pyapp.server.scm.GitRevision;
import org.jspecify.annotations.Nullable;

/**
 * What {@link GitDeployer#update} did.
 *
 * @param updated whether a new release went live
 * @param message for a person: {@code already current}, or what was deployed
 * @param revision the revision the strategy selects
 * @param release the new live release, or {@code null} if nothing changed
 */
public record GitUpdate(boolean updated, String message, GitRevision revision, @Nullable Release release) {
}
