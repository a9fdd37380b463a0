package dev.pyapp.server.isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Every process of an app starts with a umask of its own, whatever the server's (a server
 * started by hand keeps its shell's, often 022): its daemon, hooks, tasks and
 * {@code apps.run} ({@link AppIsolation#process}) and its environment's build
 * ({@link AppIsolation#build}).
 */
class AppIsolationUmaskTests {

	private static final AppId APP = AppId.of("guestbook");

	@TempDir
	Path home;

	private final HostIsolation host = mock(HostIsolation.class);

	private final AppAccounts accounts = mock(AppAccounts.class);

	private final AppLimits limits = mock(AppLimits.class);

	@Test
	void anAppWithAUserOfItsOwnWritesFilesItsGroupMayReadAndOthersNot() {
		AppIsolation isolation = isolation(true);

		assertThat(isolation.process(APP, release(), manifest()).umask()).isEqualTo(0027);
		assertThat(isolation.build(APP, release(), Path.of("/usr/bin/python3")).umask()).isEqualTo(0027);
	}

	@Test
	void anAppThatRunsAsTheServersUserWritesFilesAsPrivateAsTheServersOwn() {
		AppIsolation isolation = isolation(false);

		Isolation process = isolation.process(APP, release(), manifest());

		assertThat(process.umask()).isEqualTo(0077);
		// applied even with nothing else to apply
		assertThat(process.isolates()).isTrue();
		assertThat(isolation.build(APP, release(), Path.of("/usr/bin/python3")).umask()).isEqualTo(0077);
	}

	private AppIsolation isolation(boolean own) {
		Isolation.Account account = new Isolation.Account("pyapp-guestbook", 990, 990, this.home.resolve("home"));
		given(this.accounts.ensure(APP)).willReturn(new AppIdentity(account, own, own ? null : "not root"));
		given(this.host.sandboxUnavailable()).willReturn(Optional.of("no bwrap"));
		given(this.host.cgroupsUnavailable()).willReturn(Optional.of("not root"));
		given(this.limits.resolve(eq(APP), any(), anyBoolean())).willReturn(List.of());
		return new AppIsolation(new PyappHome(this.home), this.host, this.accounts, mock(AppLayout.class), this.limits,
				mock(PackageReader.class), mock(AppIsolationRecords.class),
				mock(dev.pyapp.server.venv.VenvBuilder.class));
	}

	private Path release() {
		return new PyappHome(this.home).app(APP).release("r1");
	}

	private static AppManifest manifest() {
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.statics()).willReturn(List.of());
		given(manifest.resources())
			.willReturn(new AppManifest.Resources(List.of(), List.of(), AppManifest.Limits.NONE));
		return manifest;
	}

}
