package dev.pyapp.server.logs;

import java.time.Instant;

import dev.pyapp.server.core.LimitValues;
import dev.pyapp.server.runtime.AppOutOfMemory;
import dev.pyapp.server.runtime.CommandRan;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores what happened to an app's processes under the app: a process killed for memory
 * with logger {@code pyapp.runtime} (SPEC §10 "Limits"), each {@code apps.run} with
 * logger {@code pyapp.run}.
 */
@Component
class RuntimeLogListener {

	static final String LOGGER = "pyapp.runtime";

	private final LogCollector collector;

	static final String RUN_LOGGER = "pyapp.run";

	RuntimeLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	void on(CommandRan event) {
		String command = String.join(" ", event.command());
		if (command.length() > 1000) {
			command = command.substring(0, 1000) + "...";
		}
		LogLevel level = (event.exitCode() == 0) ? LogLevel.INFO : LogLevel.WARNING;
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(), level, RUN_LOGGER,
				"ran " + command + ": " + ((event.exitCode() >= 0) ? "exit code " + event.exitCode() : "timed out"),
				null, (int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

	@EventListener
	void on(AppOutOfMemory event) {
		String limit = (event.limit() != null) ? " (memory limit " + LimitValues.format(event.limit()) + ")" : "";
		String message = "out of memory: the kernel killed a process of the daemon (pid " + event.pid() + ")" + limit
				+ (event.ended() ? "; the daemon ended and is restarted after the crash backoff"
						: "; gunicorn replaces the worker");
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(), LogLevel.ERROR,
				LOGGER, message, null, (int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
