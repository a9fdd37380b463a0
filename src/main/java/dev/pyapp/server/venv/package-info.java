/**
 * Building an app release's Python environment: interpreter discovery,
 * {@code python -m venv}, dependencies from {@code deps/} and the configured index,
 * shared packages in {@code server-packages/}, and the provisioning of gunicorn and the
 * {@code pyapp_runtime} shim.
 */
@NullMarked
@ApplicationModule(displayName = "Virtual environments", allowedDependencies = { "core", "nodes" })
package dev.pyapp.server.venv;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
