package dev.pyapp.server.deploy;

import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.HookRunner;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.Test;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The words of {@link ReleaseSteps#goLive}'s steps.
 */
class ReleaseStepsTests {

	private static final AppId APP = AppId.of("dash");

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	private final DeployReporter report = mock(DeployReporter.class);

	private final ReleaseSteps steps = new ReleaseSteps(mock(AppInstaller.class), this.registry,
			mock(VenvBuilder.class), mock(HookRunner.class), this.supervisor, mock(AppContexts.class),
			mock(ConfigurationGate.class), mock(AppServers.class), mock(AppIsolation.class));

	@Test // trial-dash: a first install said "starting 0.1.0-... beside the live release"
			// with none live
	void aFirstInstallStartsItsReleaseWithoutNamingALiveOne() {
		live(null);
		this.steps.goLive(APP, "0.1.0-a", this.report, false);
		verify(this.report).step(eq("start"), eq("starting 0.1.0-a"), any(Supplier.class));
		// nothing was replaced: no "stopping the old daemon" line
		verify(this.report, never()).step(eq("stop-old"), anyString(), any(Runnable.class));
		verify(this.supervisor).retire(APP);
	}

	@Test
	void anUpgradeStartsItsReleaseBesideTheLiveOne() {
		live("0.1.0-a");
		given(this.supervisor.wanted(APP)).willReturn(true);
		this.steps.goLive(APP, "0.2.0-b", this.report, false);
		verify(this.report).step(eq("start"), eq("starting 0.2.0-b beside the live release"), any(Supplier.class));
		verify(this.report).step(eq("stop-old"), eq("stopping the old daemon once drained"), any(Runnable.class));
	}

	@SuppressWarnings("unchecked")
	private void live(String release) {
		InstalledApp installed = mock(InstalledApp.class);
		given(installed.currentRelease()).willReturn(release);
		given(this.registry.get(APP)).willReturn(installed);
		given(this.supervisor.startCandidate(eq(APP), anyString()))
			.willReturn(new AppServers.Choice(mock(AppServer.class), "auto"));
		willAnswer((invocation) -> ((Supplier<Object>) invocation.getArgument(2)).get()).given(this.report)
			.step(anyString(), anyString(), any(Supplier.class));
	}

}
