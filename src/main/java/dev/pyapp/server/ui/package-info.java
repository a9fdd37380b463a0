/**
 * The web UI: Thymeleaf controllers; templates and widget fragments live in
 * {@code frontend-templates/}. Every action is a JSON-RPC call from the browser.
 */
@NullMarked
@ApplicationModule(displayName = "Web UI", allowedDependencies = { "core", "security", "install", "nodes" })
package dev.pyapp.server.ui;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
