/**
 * Capturing every log record of every app into MongoDB (capped collections per app),
 * queries and live tails of them, and notification rules.
 * <p>
 * The API is this package: {@code LogCollector} (where records enter), {@code LogViewer}
 * (queries and tails), {@code LogStatistics}, {@code AppErrors}, {@code DeployDiagnosis},
 * {@code Notifier} (notification rules and deliveries) and their records and enums.
 * Beside them stay the parts that use package-private members of the API: the log socket
 * ({@code LogSocketServer}, {@code LogSocketLoop}, {@code LogConnection},
 * {@code BatchParser}), the output file tailer and the notification dispatch
 * ({@code NotificationDispatcher}, {@code RuleMatcher}). Everything else is in
 * {@code logs.internal}.
 */
@NullMarked
@ApplicationModule(displayName = "Logs",
		allowedDependencies = { "core", "runtime", "install", "deploy", "hooks", "nodes", "mount" })
package dev.pyapp.server.logs;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
