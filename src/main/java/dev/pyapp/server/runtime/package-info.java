/**
 * gunicorn daemons: start, stop, supervise, adopt after a restart, upgrade beside the
 * live release and roll back. Owns {@code AppStatus} and publishes {@code AppStarted},
 * {@code AppStopped} and {@code AppCrashed}.
 */
@NullMarked
@ApplicationModule(displayName = "Runtime",
		allowedDependencies = { "core", "install", "packaging", "appconfig", "venv", "hooks", "nodes", "isolation" })
package dev.pyapp.server.runtime;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
