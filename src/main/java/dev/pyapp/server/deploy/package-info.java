/**
 * The install, upgrade, rollback and removal pipelines that every route (upload, drop
 * folder, CLI, git) ends in: package to release ({@code install}), environment and hooks,
 * start beside the live release and health check ({@code runtime}), atomic switch, and
 * the routes that feed them: the watched drop folder and git updates.
 */
@NullMarked
@ApplicationModule(displayName = "Deploy", allowedDependencies = { "core", "audit", "install", "packaging", "appconfig",
		"venv", "hooks", "runtime", "scm", "isolation" })
package dev.pyapp.server.deploy;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
