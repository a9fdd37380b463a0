package dev.pyapp.server.isolation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * At every start the server removes the empty cgroups that its tasks, hooks and
 * {@code apps.run} left when it stopped while they ran, those of its own apps only: their
 * cgroups end in its home's id, as {@link AppIsolation#cgroup} names them.
 */
class IsolationStartupCgroupTests {

	@TempDir
	Path dir;

	@Test
	void removesTheLeftOverCgroupsOfRunsOfThisHomesApps() throws NoSuchAlgorithmException {
		PyappHome home = new PyappHome(this.dir.resolve("home"));
		String id = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256")
				.digest(home.root().toString().getBytes(StandardCharsets.UTF_8)))
			.substring(0, 8);
		HostIsolation host = mock(HostIsolation.class);
		given(host.removeLeftOverRuns("." + id)).willReturn(Set.of("guestbook." + id + "/x-0a1b2c3d"));
		IsolationStartup startup = new IsolationStartup(home, host, mock(AppRegistry.class), mock(AppAccounts.class),
				mock(AppLayout.class), mock(PackageReader.class));

		startup.onStarted();

		verify(host).removeLeftOverRuns("." + id);
		// the suffix is how the apps' cgroups are named
		AppIsolation isolation = new AppIsolation(home, host, mock(AppAccounts.class), mock(AppLayout.class),
				mock(AppLimits.class), mock(PackageReader.class), mock(AppIsolationRecords.class),
				mock(VenvBuilder.class));
		assertThat(isolation.cgroup(AppId.of("guestbook"))).isEqualTo("guestbook." + id);
	}

}
