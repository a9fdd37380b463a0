/**
 * Keeping apps apart (SPEC §10): a system user and group per app, the owners and modes of
 * everything below {@code apps/<name>/}, the sandbox and resource limits every app
 * process gets (as a {@code nodes} isolation spec), the operator's caps on limits, and
 * the migration of existing installs when the server starts.
 */
@NullMarked
@ApplicationModule(displayName = "Isolation", allowedDependencies = { "core", "nodes", "install", "packaging", "venv" })
package dev.pyapp.server.isolation;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
