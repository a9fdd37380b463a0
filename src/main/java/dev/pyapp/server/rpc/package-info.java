/**
 * The JSON-RPC 2.0 API at {@code POST /rpc} (SPEC §6): the envelope, the method table,
 * the parameter records and the translation of errors to codes, plus the archive upload
 * endpoint. A leaf adapter: it holds no business rules and nothing depends on it except
 * the CLI, which uses its wire format.
 * <p>
 * This package holds the protocol (the controller, the dispatcher and its method table,
 * the role check, the param type check, errors, the body filter, what the audit log
 * keeps), the {@code RpcEndpoint}/{@code RpcMethod} annotations every endpoint declares
 * itself with, and the endpoints the dispatcher reaches into or that throw its errors:
 * {@code apps.*} with its views, {@code nodes.*} (forwarding), {@code config.*} and the
 * archive upload. The other endpoints live in {@code rpc.internal}. The dependencies
 * allowed are the modules it uses, each of them.
 */
@NullMarked
@ApplicationModule(displayName = "JSON-RPC API",
		allowedDependencies = { "core", "security", "audit", "appconfig", "packaging", "nodes", "venv", "hooks", "scm",
				"install", "deploy", "runtime", "isolation", "mount", "logs", "metrics" })
package dev.pyapp.server.rpc;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
