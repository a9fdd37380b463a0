/**
 * Capturing every log record of every app into MongoDB (capped collections per app),
 * queries and live tails of them, and notification rules.
 */
@NullMarked
@ApplicationModule(displayName = "Logs",
		allowedDependencies = { "core", "runtime", "install", "deploy", "hooks", "nodes", "mount" })
package dev.pyapp.server.logs;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
