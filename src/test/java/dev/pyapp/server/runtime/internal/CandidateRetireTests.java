package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.ObjectProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * {@link CandidateSwitch#retire}: after a restart within a release (a restart, a changed
 * configuration), the old daemon wrote its last lines ("Shutting down: Master") to the
 * file the live one writes to; a later crash of the live one was explained with them
 * (found in the spec sweep: a {@code kill -9} showed the old master's goodbye as
 * {@code process.reason}).
 */
class CandidateRetireTests {

	@TempDir
	Path home;

	@Test
	void theLiveDaemonsStderrBeginsWhereAReplacedDaemonOfItsReleaseStopped() throws Exception {
		AppId app = AppId.of("blog");
		try (SupervisorFixture fixture = fixture(app)) {
			Supervised s = fixture.apps.supervised(app);
			Daemon old = s.live();
			Daemon fresh = daemon(fixture, "r1", 100);
			synchronized (s) {
				s.retiring = old;
				s.wentLive(fresh);
			}
			given(fixture.launcher.stderrEnd(app, "r1")).willReturn(4321L);

			candidates(fixture).retire(app);

			verify(fixture.launcher).stop(old);
			assertThat(s.live().pid()).isEqualTo(fresh.pid());
			assertThat(s.live().stderrOffset()).isEqualTo(4321L);
		}
	}

	@Test
	void aReplacedDaemonOfAnotherReleaseLeavesTheLiveOnesOffset() throws Exception {
		AppId app = AppId.of("blog");
		try (SupervisorFixture fixture = fixture(app)) {
			Supervised s = fixture.apps.supervised(app);
			Daemon upgraded = daemon(fixture, "r2", 100);
			synchronized (s) {
				s.retiring = s.live();
				s.wentLive(upgraded);
			}
			given(fixture.launcher.stderrEnd(app, "r1")).willReturn(4321L);

			candidates(fixture).retire(app);

			// an upgrade's daemon writes to its own release's file from its start
			assertThat(s.live().stderrOffset()).isEqualTo(100L);
		}
	}

	private SupervisorFixture fixture(AppId app) throws Exception {
		SupervisorFixture fixture = new SupervisorFixture(this.home, List.of(app),
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)));
		fixture.starts.start(app);
		return fixture;
	}

	private static Daemon daemon(SupervisorFixture fixture, String release, long stderrOffset) {
		return new Daemon(release, 5000, null, 20001, Path.of("/nonexistent/y.pid"), Instant.now(),
				new CompletableFuture<>(), stderrOffset, fixture.server, null, 0);
	}

	@SuppressWarnings("unchecked")
	private static CandidateSwitch candidates(SupervisorFixture fixture) {
		return new CandidateSwitch(fixture.apps, fixture.starts, mock(AppContexts.class), fixture.launcher,
				mock(AppServers.class), fixture.events::add, mock(ObjectProvider.class),
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)));
	}

}
