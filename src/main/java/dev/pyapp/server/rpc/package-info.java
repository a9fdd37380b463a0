/**
 * The JSON-RPC 2.0 API at {@code POST /rpc} (SPEC §6): the envelope, the method table,
 * the parameter records and the translation of errors to codes, plus the archive upload
 * endpoint. A leaf adapter: it holds no business rules and nothing depends on it except
 * the CLI, which uses its wire format.
 */
@NullMarked
@ApplicationModule(displayName = "JSON-RPC API",
		allowedDependencies = { "core", "security", "audit", "appconfig", "packaging", "nodes", "venv", "hooks", "scm",
				"install", "deploy", "runtime", "isolation", "mount", "logs", "metrics" })
package dev.pyapp.server.rpc;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
