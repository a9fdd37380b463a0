/**
 * Turning an upload, a drop-folder file or a git revision into an installed release, the
 * app registry (apps and their releases) and removal. Publishes {@code ReleaseActivated}
 * (a release went live, by install, upgrade or rollback) and {@code AppRemoved}.
 */
@NullMarked
@ApplicationModule(displayName = "Install", allowedDependencies = { "core", "packaging" })
package dev.pyapp.server.install;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
