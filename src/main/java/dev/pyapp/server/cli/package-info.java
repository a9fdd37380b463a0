/**
 * The {@code pyapp} command-line client (picocli), which reaches the server only through
 * the JSON-RPC API. It runs without a Spring context. {@code pyapp package} checks an
 * archive with the server's own packaging code (and {@code --wheels} runs pip through
 * {@code nodes}); only that command loads them.
 * <p>
 * This package holds the commands: {@code PyappCli}, the root, and every picocli command
 * beside it with {@code ApiCommand}, {@code GroupCommand} and {@code ProgressPoller},
 * whose package-private members the commands share, plus the public
 * {@code CliException}/{@code CliApiException}. What the commands are built from lives in
 * {@code cli.internal}: the JSON-RPC client and its JSON codec, the token lookup, the
 * error reporter, tables and text cells, relative times, log lines, the packager and the
 * post-receive hook. The CLI jar ({@code target/pyapp-cli.jar}) takes both packages.
 */
@NullMarked
@ApplicationModule(displayName = "CLI", allowedDependencies = { "core", "packaging", "appconfig", "nodes" })
package dev.pyapp.server.cli;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
