/**
 * Running the lifecycle hooks a package declares (post-install, pre-update, post-update,
 * pre-delete) and its recurring tasks, in the app's environment and context.
 */
@NullMarked
@ApplicationModule(displayName = "Hooks and tasks", allowedDependencies = { "core", "nodes" })
package dev.pyapp.server.hooks;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
