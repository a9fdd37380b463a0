/**
 * The {@code pyapp} command-line client (picocli), which reaches the server only through
 * the JSON-RPC API. It runs without a Spring context. {@code pyapp package} checks an
 * archive with the server's own packaging code (and {@code --wheels} runs pip through
 * {@code nodes}); only that command loads them.
 */
@NullMarked
@ApplicationModule(displayName = "CLI", allowedDependencies = { "core", "packaging", "appconfig", "nodes" })
package dev.pyapp.server.cli;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
