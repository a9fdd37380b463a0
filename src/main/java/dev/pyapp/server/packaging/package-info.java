/**
 * The {@code .pyapp} archive (SPEC §1): reading and validating an archive or a source
 * directory into an immutable {@link dev.pyapp.server.packaging.AppPackage} (its
 * {@link dev.pyapp.server.packaging.AppManifest} from {@code metadata.yaml} and its
 * configuration spec), and extracting it safely. Nothing is written before an archive has
 * been checked whole.
 */
@NullMarked
@ApplicationModule(displayName = "Packaging", allowedDependencies = { "core", "appconfig" })
package dev.pyapp.server.packaging;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
