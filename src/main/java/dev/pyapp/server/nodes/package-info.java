/**
 * The node registry and {@code NodeShell} (exec, copy, signal), which runs locally or
 * over SSH with JSch. The only module that starts processes.
 */
@NullMarked
@ApplicationModule(displayName = "Nodes", allowedDependencies = { "core" })
package dev.pyapp.server.nodes;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
