package dev.pyapp.server.isolation;

import java.nio.file.Path;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.packaging.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * An app's removal retires its cgroup (no process of it, such as a task firing meanwhile,
 * starts in it again), and preparing a new install of it reopens it, not a process
 * prepared for its old release ({@code AppCgroupRemovalTests} in {@code nodes} shows what
 * retiring does).
 */
class AppIsolationCgroupTests {

	private static final AppId APP = AppId.of("guestbook");

	@TempDir
	Path home;

	private final HostIsolation host = mock(HostIsolation.class);

	private final AppLayout layout = mock(AppLayout.class);

	private AppIsolation isolation() {
		return new AppIsolation(new PyappHome(this.home), this.host, mock(AppAccounts.class), this.layout,
				mock(AppLimits.class), mock(PackageReader.class), mock(AppIsolationRecords.class),
				mock(dev.pyapp.server.venv.VenvBuilder.class));
	}

	@Test
	void aRemovalRetiresTheAppsCgroupAndANewInstallReopensIt() {
		given(this.host.cgroupsUnavailable()).willReturn(Optional.empty());
		AppIsolation isolation = isolation();
		String cgroup = isolation.cgroup(APP);
		assertThat(cgroup).startsWith("guestbook.");

		isolation.remove(APP, true);
		isolation.prepare(APP);

		InOrder order = inOrder(this.host, this.layout);
		order.verify(this.host).retire(cgroup);
		order.verify(this.host).reopen(cgroup);
		order.verify(this.layout).prepare(eq(APP), any());
		verify(this.host, never()).kill(cgroup);
	}

	@Test // a task whose start began before the removal (AppContexts.context) owns the
			// app's directories but does not reopen its cgroup: its launch is refused
	void preparingAProcessAfterTheRemovalLeavesTheCgroupRetired() {
		given(this.host.cgroupsUnavailable()).willReturn(Optional.empty());
		AppIsolation isolation = isolation();
		String cgroup = isolation.cgroup(APP);

		isolation.remove(APP, true);
		isolation.own(APP);

		verify(this.host).retire(cgroup);
		verify(this.host, never()).reopen(anyString());
		verify(this.layout).prepare(eq(APP), any());
	}

	@Test
	void aHostWithoutCgroupsHasNoneToRetire() {
		given(this.host.cgroupsUnavailable()).willReturn(Optional.of("not root"));
		AppIsolation isolation = isolation();

		isolation.remove(APP, true);
		isolation.prepare(APP);

		verify(this.host, never()).retire(anyString());
		verify(this.host, never()).reopen(anyString());
	}

}
