package dev.pyapp.server.deploy.internal;

import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.DeployProgress;

import org.springframework.context.ApplicationEventPublisher;

/**
 * The reports of a deploy continued by a change of the settings: its phase is known only
 * once {@link DeployProcess} knows what continues; their progress is closed with it.
 */
public final class ContinuedReports implements DeployProcess.DeployReporterFactory, AutoCloseable {

	private final AppLifecycles lifecycles;

	private final ApplicationEventPublisher events;

	private final AppId app;

	private final List<DeployProgress> opened = new ArrayList<>();

	public ContinuedReports(AppLifecycles lifecycles, ApplicationEventPublisher events, AppId app) {
		this.lifecycles = lifecycles;
		this.events = events;
		this.app = app;
	}

	@Override
	public DeployReporter open(String phase, String release, String operation) {
		DeployProgress progress = this.lifecycles.open(this.app, phase);
		this.opened.add(progress);
		return new DeployReporter(progress, this.events, release, operation);
	}

	@Override
	public void close() {
		this.opened.forEach(DeployProgress::close);
	}

}
