package dev.pyapp.server.mount;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppNotAdopted;
import dev.pyapp.server.runtime.AppStopped;

import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * What the mounts do when a daemon ends, or is not found after a restart of the server:
 * the configuration is applied again, so that a port the daemon freed is no longer where
 * the web server sends the app's requests.
 */
class MountReactionsTests {

	private final MountManager mounts = mock(MountManager.class);

	private final MountReactions reactions = new MountReactions(this.mounts);

	@Test
	void aCrashAppliesTheConfigurationAgain() {
		this.reactions.on(new AppCrashed(AppId.of("ported"), "r1", 1, 1, false, "exited with code 1"));

		verify(this.mounts).reapply(contains("crash of the daemon of ported"));
	}

	@Test
	void aDaemonNotFoundAfterARestartOfTheServerAppliesTheConfigurationAgain() {
		this.reactions.on(new AppNotAdopted(AppId.of("ported"), 20007));

		verify(this.mounts).reapply(contains("ported ran on port 20007"));
	}

	@Test
	void aStopAppliesTheConfigurationAgain() {
		this.reactions.on(new AppStopped(AppId.of("ported"), "r1"));

		verify(this.mounts).reapply(contains("stop of the daemon of ported"));
	}

}
