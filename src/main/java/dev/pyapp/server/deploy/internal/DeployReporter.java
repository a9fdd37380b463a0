package dev.pyapp.server.deploy.internal;

import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.hooks.HookRunner;
import dev.pyapp.server.install.DeployProgress;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Reports the steps of one install, upgrade or rollback: keeps the deploy's progress
 * current for {@code apps.get}, publishes a {@link DeployProgressed} per step and per
 * line of output, and names the failing step in the error.
 */
public final class DeployReporter {

	private final DeployProgress progress;

	private final ApplicationEventPublisher events;

	private final AppId app;

	private final @Nullable String release;

	private final String operation;

	/** Before the first step, what is reported belongs to the operation itself. */
	private volatile String step;

	public DeployReporter(DeployProgress progress, ApplicationEventPublisher events, @Nullable String release,
			String operation) {
		this.operation = operation;
		this.step = operation;
		this.progress = progress;
		this.events = events;
		this.app = progress.app();
		this.release = release;
	}

	/**
	 * Runs a step.
	 * @param step its short name
	 * @param message what it does, for a person
	 * @param work the work
	 * @param <T> its result
	 * @return the result
	 * @throws PyappException the step's error; a {@code FAILED} one (or any unexpected
	 * exception) names the step, with the step's output as log
	 */
	<T> T step(String step, String message, Supplier<T> work) {
		this.step = step;
		this.progress.step(step, message);
		publish("INFO", message);
		long start = System.nanoTime();
		try {
			T result = work.get();
			publish("INFO", step + " done in " + (System.nanoTime() - start) / 1_000_000 + " ms");
			return result;
		}
		catch (PyappException ex) {
			publish("ERROR", step + " failed: " + ex.getMessage());
			if (ex.getKind() == ErrorKind.FAILED) {
				throw PyappException.failed(describe() + " failed at step '" + step + "': " + ex.getMessage(),
						ex.getLog());
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			publish("ERROR", step + " failed: " + ex.getMessage());
			throw PyappException.failed(describe() + " failed at step '" + step + "': " + ex.getMessage(), null);
		}
	}

	void step(String step, String message, Runnable work) {
		step(step, message, () -> {
			work.run();
			return null;
		});
	}

	/**
	 * Receives the output of the current step, line by line.
	 * @return the consumer
	 */
	Consumer<String> output() {
		return (line) -> publish(level(line), line);
	}

	/** The level of a line a hook printed ({@link HookRunner#level}). */
	static String level(String line) {
		return HookRunner.level(line);
	}

	public void info(String message) {
		publish("INFO", message);
	}

	public void warn(String message) {
		publish("WARNING", message);
	}

	private String describe() {
		return this.operation + " of " + this.app;
	}

	private void publish(String level, String message) {
		this.events.publishEvent(new DeployProgressed(this.app, this.release, this.step, level, message));
	}

}
