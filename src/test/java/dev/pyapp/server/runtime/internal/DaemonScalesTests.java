package dev.pyapp.server.runtime.internal;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppScale;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * {@link DaemonScales}: an operator's {@code apps.scale} replaces the worker and thread
 * counts of what a release asks for, is checked before anything is stored, and is kept,
 * reset or put back whole, with the app's record.
 */
class DaemonScalesTests {

	private static final AppId APP = AppId.of("blog");

	private static final AppManifest.Daemon THREADED = new AppManifest.Daemon(AppManifest.DaemonMethod.THREADING, 1, 8,
			AppManifest.BindKind.SOCKET, "uwsgi");

	private static final AppManifest.Daemon PROCESSES = new AppManifest.Daemon(AppManifest.DaemonMethod.PROCESSES, 3, 1,
			AppManifest.BindKind.PORT, null);

	private final AtomicReference<InstalledApp> stored = new AtomicReference<>(
			new InstalledApp("blog", AppSource.archive(), "r1", Map.of(), Instant.EPOCH, Instant.EPOCH));

	@Test
	void withoutAScaleALaunchUsesWhatTheReleaseAsksFor() {
		DaemonScales scales = scales(THREADED);

		assertThat(scales.applied(APP, THREADED)).isEqualTo(THREADED);
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(1, 8, false, false, true));
	}

	@Test
	void theOperatorsCountsReplaceTheReleasesAndKeepEverythingElse() {
		DaemonScales scales = scales(THREADED);

		scales.change(APP, "r1", 4, null, false);

		AppManifest.Daemon applied = scales.applied(APP, THREADED);
		assertThat(applied.workers()).isEqualTo(4);
		assertThat(applied.threads()).isEqualTo(8);
		assertThat(applied.method()).isEqualTo(AppManifest.DaemonMethod.THREADING);
		assertThat(applied.bind()).isEqualTo(AppManifest.BindKind.SOCKET);
		assertThat(applied.server()).isEqualTo("uwsgi");
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(4, 8, true, false, true));
		assertThat(scales.of(APP, "r1").source()).isEqualTo("operator");
	}

	@Test
	void aLaterChangeKeepsTheCountItDoesNotGive() {
		DaemonScales scales = scales(THREADED);
		scales.change(APP, "r1", 4, null, false);

		scales.change(APP, "r1", null, 2, false);

		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(4, 2, true, true, true));
	}

	@Test
	void resetReturnsToTheReleasesCountsAndDropsTheRecord() {
		DaemonScales scales = scales(THREADED);
		scales.change(APP, "r1", 4, 2, false);

		scales.change(APP, "r1", null, null, true);

		assertThat(this.stored.get().scale()).isNull();
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(1, 8, false, false, true));
		assertThat(scales.of(APP, "r1").source()).isEqualTo("app");
	}

	@Test
	void resetWithACountKeepsOnlyThatCount() {
		DaemonScales scales = scales(THREADED);
		scales.change(APP, "r1", 4, 2, false);

		scales.change(APP, "r1", null, 16, true);

		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(1, 16, false, true, true));
	}

	@Test
	void countsOutOfBoundsAreRefusedWithTheirPathsAndNothingChanges() {
		DaemonScales scales = scales(THREADED);
		scales.change(APP, "r1", 2, null, false);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> scales.change(APP, "r1", 0, 257, false))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path)
				.containsExactly("workers", "threads"))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("between 1 and 64"));
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> scales.change(APP, "r1", 65, null, false));
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(2, 8, true, false, true));
	}

	@Test
	void nothingToChangeIsRefused() {
		DaemonScales scales = scales(THREADED);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> scales.change(APP, "r1", null, null, false))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("workers, threads or reset"));
	}

	@Test
	void threadsOfAnAppWhoseWorkersAreProcessesAreRefused() {
		DaemonScales scales = scales(PROCESSES);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> scales.change(APP, "r1", null, 4, false))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path).containsExactly("threads"))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("daemon.method is processes"));
		assertThat(this.stored.get().scale()).isNull();

		scales.change(APP, "r1", 6, null, false);
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(6, 1, true, false, false));
		assertThat(scales.applied(APP, PROCESSES).bind()).isEqualTo(AppManifest.BindKind.PORT);
	}

	@Test
	void anEarlierScaleIsPutBackWhole() {
		DaemonScales scales = scales(THREADED);
		scales.change(APP, "r1", 2, 4, false);

		Optional<InstalledApp.Scale> before = scales.change(APP, "r1", 8, null, false);
		scales.restore(APP, before);
		assertThat(scales.of(APP, "r1")).isEqualTo(new AppScale(2, 4, true, true, true));

		Optional<InstalledApp.Scale> none = Optional.empty();
		scales.restore(APP, none);
		assertThat(this.stored.get().scale()).isNull();
	}

	private DaemonScales scales(AppManifest.Daemon daemon) {
		AppRegistry registry = mock(AppRegistry.class);
		willAnswer((invocation) -> Optional.of(this.stored.get())).given(registry).find(APP);
		willAnswer((invocation) -> this.stored.updateAndGet(invocation.getArgument(1))).given(registry)
			.update(eq(APP), any());
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.daemon()).willReturn(daemon);
		AppContexts contexts = mock(AppContexts.class);
		given(contexts.manifest(APP, "r1")).willReturn(manifest);
		return new DaemonScales(registry, contexts);
	}

}
