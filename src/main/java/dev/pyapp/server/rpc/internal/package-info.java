/**
 * The self-contained JSON-RPC endpoints, found by their {@code RpcEndpoint} annotation:
 * {@code account.*}, {@code tokens.*}, {@code users.*}, {@code archives.*},
 * {@code audit.*}, {@code logs.*}, {@code apps.metrics} (and {@code GET /metrics}),
 * {@code servers.*}, {@code mounts.*}, {@code webserver.*}, {@code server.*},
 * {@code notifications.*}, {@code apps.run}/{@code apps.shell}, {@code tasks.*},
 * {@code git.keys.*} and {@code hooks.*}, with the {@code {name}} params they share with
 * {@code apps.*}. Internal to the {@code rpc} module.
 */
@NullMarked
package dev.pyapp.server.rpc.internal;

import org.jspecify.annotations.NullMarked;
