package dev.pyapp.server.logs.internal;

import java.time.Instant;

import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.mount.WebServerFailed;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores the managed web server's giving up (CRITICAL, logger {@code pyapp.webserver}, no
 * app), so that the notification rules that name no app report it: every app behind it is
 * unreachable until the next apply.
 */
@Component
public class WebServerLogListener {

	static final String LOGGER = "pyapp.webserver";

	private final LogCollector collector;

	public WebServerLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	public void on(WebServerFailed event) {
		this.collector.collect(new LogRecord(0, Instant.now(), null, null, LogLevel.CRITICAL, LOGGER,
				"the managed " + event.kind() + " is not restarted any more: " + event.message(), null,
				(int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
