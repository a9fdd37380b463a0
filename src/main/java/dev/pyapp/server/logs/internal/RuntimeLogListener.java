package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.LimitValues;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppKilled;
import dev.pyapp.server.runtime.AppOutOfMemory;
import dev.pyapp.server.runtime.AppStopped;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores what happened to an app's processes under the app, with logger
 * {@code pyapp.runtime}: a process killed for memory (SPEC §10 "Limits"), a crash (ERROR,
 * CRITICAL once the app is marked failed: so that the app's log says why its output
 * stops, and a notification rule on the app's errors reports it), a stop on request and a
 * daemon killed because it did not stop in time (WARNING: requests were cut off). Each
 * {@code apps.run} is logged with logger {@code pyapp.run} by the hooks' command runner.
 */
@Component
public class RuntimeLogListener {

	static final String LOGGER = "pyapp.runtime";

	private final LogCollector collector;

	public RuntimeLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	public void on(AppOutOfMemory event) {
		String limit = (event.limit() != null) ? " (memory limit " + LimitValues.format(event.limit()) + ")" : "";
		String message = "out of memory: the kernel killed a process of the daemon (pid " + event.pid() + ")" + limit
				+ (event.ended() ? "; the daemon ended and is restarted after the crash backoff"
						: "; its master replaces the worker");
		log(event.app(), event.release(), LogLevel.ERROR, message);
	}

	@EventListener
	public void on(AppCrashed event) {
		if (event.failed()) {
			log(event.app(), event.release(), LogLevel.CRITICAL,
					"the daemon crashed too often and is not restarted (state failed): " + event.reason());
		}
		else {
			log(event.app(), event.release(), LogLevel.ERROR, "the daemon crashed: " + event.reason()
					+ "; it is restarted after the crash backoff (crash " + event.restarts() + ")");
		}
	}

	@EventListener
	public void on(AppStopped event) {
		log(event.app(), event.release(), LogLevel.INFO, "the daemon was stopped on request");
	}

	@EventListener
	public void on(AppKilled event) {
		log(event.app(), event.release(), LogLevel.WARNING,
				"the daemon (pid " + event.pid() + ") did not stop within " + seconds(event.waited()) + " of SIG"
						+ event.signal() + " and was killed (SIGKILL): requests still in progress were cut off");
	}

	private static String seconds(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private void log(AppId app, String release, LogLevel level, String message) {
		this.collector.collect(new LogRecord(0, Instant.now(), app.value(), release, level, LOGGER, message, null,
				(int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
