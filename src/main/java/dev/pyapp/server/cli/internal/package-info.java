/**
 * What the {@code pyapp} commands are built from: {@code RpcClient} (JSON-RPC over HTTP,
 * archive uploads) with its {@code JsonCodec}, {@code TokenLocator},
 * {@code ErrorReporter} (one readable line and the exit code per failure), {@code Table},
 * {@code Listing} and {@code Text} for human output, {@code Since}, {@code LogFormatter},
 * {@code ConfigValues}, {@code EnvVariables}, {@code ArchiveName}, {@code Packager}
 * ({@code pyapp package}, {@code pyapp init}) and {@code PostReceiveHook}. Internal to
 * the {@code cli} module.
 */
@NullMarked
package dev.pyapp.server.cli.internal;

import org.jspecify.annotations.NullMarked;
