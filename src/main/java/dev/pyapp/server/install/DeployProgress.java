package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * The progress of one deploy, install, upgrade, rollback or removal of an app, as
 * {@code apps.get} shows it while the work runs. Opened by {@link AppLifecycles#begin} or
 * {@link AppLifecycles#open} and closed by try-with-resources: closing forgets the
 * progress unless a newer deploy of the app replaced it meanwhile.
 */
public final class DeployProgress implements AutoCloseable {

	private final AppLifecycles owner;

	private final AppId app;

	private final String phase;

	DeployProgress(AppLifecycles owner, AppId app, String phase) {
		this.owner = owner;
		this.app = app;
		this.phase = phase;
	}

	/**
	 * @return the app
	 */
	public AppId app() {
		return this.app;
	}

	/**
	 * @return {@code installing}, {@code upgrading} or {@code removing}
	 */
	public String phase() {
		return this.phase;
	}

	/**
	 * Records the step the work is at now.
	 * @param step the step's short name, such as {@code extract} or {@code venv}
	 * @param message what it is doing, for a person
	 */
	public void step(String step, String message) {
		this.owner.step(this, step, message);
	}

	@Override
	public void close() {
		this.owner.close(this);
	}

}
