package dev.pyapp.server.logs.internal;

import java.time.Instant;

import dev.pyapp.server.hooks.AppProcessLogged;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores what the server did in an app's context (task runs with their outcome,
 * {@code apps.run} commands and their output) under the app (SPEC §4, §10).
 */
@Component
class ProcessLogListener {

	private final LogCollector collector;

	ProcessLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	void on(AppProcessLogged event) {
		LogLevel level = LogLevel.parse(event.level());
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(),
				(level != null) ? level : LogLevel.INFO, event.logger(), event.message(), event.detail(),
				(int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
