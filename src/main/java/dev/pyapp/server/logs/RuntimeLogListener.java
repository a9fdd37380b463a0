package dev.pyapp.server.logs;

import java.time.Instant;

import dev.pyapp.server.core.LimitValues;
import dev.pyapp.server.runtime.AppOutOfMemory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores what happened to an app's processes under the app: a process killed for memory
 * with logger {@code pyapp.runtime} (SPEC §10 "Limits"). Each {@code apps.run} is logged
 * with logger {@code pyapp.run} by the hooks' command runner.
 */
@Component
class RuntimeLogListener {

	static final String LOGGER = "pyapp.runtime";

	private final LogCollector collector;

	RuntimeLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	void on(AppOutOfMemory event) {
		String limit = (event.limit() != null) ? " (memory limit " + LimitValues.format(event.limit()) + ")" : "";
		String message = "out of memory: the kernel killed a process of the daemon (pid " + event.pid() + ")" + limit
				+ (event.ended() ? "; the daemon ended and is restarted after the crash backoff"
						: "; its master replaces the worker");
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(), LogLevel.ERROR,
				LOGGER, message, null, (int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
