/**
 * The {@code pyapp} command-line client (picocli), which reaches the server only through
 * the JSON-RPC API. It runs without a Spring context.
 */
@NullMarked
@ApplicationModule(displayName = "CLI", allowedDependencies = { "core" })
package dev.pyapp.server.cli;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
