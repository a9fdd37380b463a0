package dev.pyapp.server.deploy.internal;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.DeployProgress;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Removes an app: pre-delete hook (in the live release), stop, unmount, delete. With
 * {@code keep_data}, {@code data/}, {@code config/}, the app's user and the operator's
 * environment variables ({@link KeptEnvironment}) stay for a re-install. The caller holds
 * the app's deploy lock.
 */
@Component
public class AppRemoval {

	private final AppRegistry registry;

	private final DeployProcess process;

	private final ReleaseSteps steps;

	private final AppSupervisor supervisor;

	private final ScheduledTasks tasks;

	private final VenvBuilder venvs;

	private final AppContexts contexts;

	private final AppInstaller installer;

	private final AppIsolation isolation;

	private final ApplicationEventPublisher events;

	private final KeptEnvironment keptEnvironment;

	AppRemoval(AppRegistry registry, DeployProcess process, ReleaseSteps steps, AppSupervisor supervisor,
			ScheduledTasks tasks, VenvBuilder venvs, AppContexts contexts, AppInstaller installer,
			AppIsolation isolation, ApplicationEventPublisher events, KeptEnvironment keptEnvironment) {
		this.keptEnvironment = keptEnvironment;
		this.registry = registry;
		this.process = process;
		this.steps = steps;
		this.supervisor = supervisor;
		this.tasks = tasks;
		this.venvs = venvs;
		this.contexts = contexts;
		this.installer = installer;
		this.isolation = isolation;
		this.events = events;
	}

	public void remove(AppId app, boolean keepData, DeployProgress progress) {
		this.registry.get(app);
		// refused while a deploy of the app is unsettled; the records go with the app
		this.process.lifecycle(app).removed();
		Release live = this.registry.currentRelease(app).orElse(null);
		if (live != null) {
			this.steps.hook(app, live.releaseId(), "pre-delete",
					new DeployReporter(progress, this.events, live.releaseId(), "removal"));
		}
		this.supervisor.forget(app);
		this.tasks.forget(app);
		this.venvs.forget(app);
		this.contexts.forget(app);
		if (keepData) {
			// the operator's variables stay with the configuration, for a re-install
			this.keptEnvironment.keep(app);
		}
		this.installer.remove(app, keepData);
		this.isolation.remove(app, keepData);
	}

}
