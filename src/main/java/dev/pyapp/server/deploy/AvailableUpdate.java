package dev.pyapp.server.deploy;

import java.time.Instant;

/**
 * A newer revision a git app's strategy selects, recorded instead of deployed because the
 * app's {@code updates.auto} is false. {@code apps.update} deploys it.
 *
 * @param commit the commit id
 * @param ref the ref it was found through
 * @param detected when it was noticed
 */
public record AvailableUpdate(String commit, String ref, Instant detected) {
}
