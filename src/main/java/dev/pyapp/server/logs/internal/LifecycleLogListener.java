package dev.pyapp.server.logs.internal;

import java.time.Instant;

import dev.pyapp.server.install.LifecycleChanged;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores each move of an app's deploy lifecycle under the app, with logger
 * {@code pyapp.lifecycle} (INFO): the app's log then tells when a release began to wait
 * for its settings, when a deploy ended, and a notification rule on the logger reports
 * it. A removal is not recorded under the app that is gone.
 */
@Component
public class LifecycleLogListener {

	static final String LOGGER = "pyapp.lifecycle";

	private final LogCollector collector;

	public LifecycleLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	public void on(LifecycleChanged event) {
		if (event.to() == LifecycleState.ABSENT) {
			return;
		}
		String message = event.from().value() + " -> " + event.to().value() + switch (event.to()) {
			case AWAITING_CONFIGURATION -> ": the release waits for its required settings before it starts";
			case UPGRADE_AWAITING_CONFIGURATION ->
				": the new release waits for its required settings; the live release keeps running";
			case FAILED ->
				": its first install was interrupted by a stop of the server; install it again or" + " remove it";
			default -> "";
		};
		// an interrupted first install is an error the app's page shows (last_error)
		LogLevel level = (event.to() == LifecycleState.FAILED) ? LogLevel.ERROR : LogLevel.INFO;
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(), level, LOGGER,
				message, null, (int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
