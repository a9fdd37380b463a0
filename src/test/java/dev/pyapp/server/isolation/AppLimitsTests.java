package dev.pyapp.server.isolation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What an app asks for, capped by the operator: per app ({@code apps.limits.set}) or by
 * the server's defaults ({@code pyapp.runtime.limits.*}).
 */
class AppLimitsTests {

	private static final AppId APP = AppId.of("guestbook");

	private final Map<String, AppIsolationRecord> records = new HashMap<>();

	private AppLimits limits;

	@BeforeEach
	void setUp() {
		AppIsolationRepository repository = mock(AppIsolationRepository.class);
		given(repository.findById(any()))
			.willAnswer((call) -> Optional.ofNullable(this.records.get(call.getArgument(0))));
		given(repository.save(any())).willAnswer((call) -> {
			AppIsolationRecord record = call.getArgument(0);
			this.records.put(record.app(), record);
			return record;
		});
		HostIsolation host = mock(HostIsolation.class);
		given(host.enforcement(anyBoolean())).willReturn(Map.of("memory", "cgroup v1 (memory.limit_in_bytes)",
				"processes", "cgroup v1 (pids.max, threads included)", "open_files",
				"rlimit RLIMIT_NOFILE (per process)", "cpu", "none"));
		this.limits = new AppLimits(new LimitsProperties(DataSize.ofGigabytes(1), 512, 4096, 0),
				new AppIsolationRecords(repository), host);
	}

	@Test
	void anAppGetsWhatItAsksForWithinTheDefaults() {
		List<LimitStatus> resolved = this.limits.resolve(APP, new AppManifest.Limits(512L << 20, null, 8192, 1.5),
				true);

		assertThat(resolved).extracting(LimitStatus::name, LimitStatus::value, LimitStatus::source)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("memory", 512L << 20, "app"),
					org.assertj.core.groups.Tuple.tuple("processes", 512, "default"),
					org.assertj.core.groups.Tuple.tuple("open_files", 4096, "default"),
					org.assertj.core.groups.Tuple.tuple("cpu", 1.5, "app"));
		// no cpu controller: a cpu limit is shown but not enforced
		assertThat(resolved.get(3).enforcement()).isEqualTo("none");
		assertThat(AppLimits.toLimits(resolved)).isEqualTo(new Isolation.Limits(512L << 20, 512, 4096, 1.5));
	}

	@Test
	void theOperatorsCapReplacesTheDefaultForOneApp() {
		this.limits.setCaps(APP, Map.of("memory", "256MB", "open_files", 100_000));

		List<LimitStatus> resolved = this.limits.resolve(APP, new AppManifest.Limits(512L << 20, null, 8192, null),
				true);

		assertThat(resolved.get(0)).extracting(LimitStatus::value, LimitStatus::cap, LimitStatus::source)
			.containsExactly(256L << 20, 256L << 20, "operator");
		assertThat(resolved.get(2)).extracting(LimitStatus::value, LimitStatus::source).containsExactly(8192, "app");
		assertThat(resolved.get(3)).extracting(LimitStatus::value, LimitStatus::source).containsExactly(null, "none");

		Map<String, Object> reset = new HashMap<>();
		reset.put("memory", null);
		this.limits.setCaps(APP, reset);
		assertThat(this.limits.resolve(APP, AppManifest.Limits.NONE, true).get(0))
			.extracting(LimitStatus::value, LimitStatus::source)
			.containsExactly(1L << 30, "default");
	}

	@Test
	void refusesEveryBadCapAtOnceAndChangesNothing() {
		assertThatThrownBy(
				() -> this.limits.setCaps(APP, Map.of("memory", "tiny", "processes", 1, "cpu", "fast", "disk", 5)))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getProblems()).extracting(Problem::path)
					.containsExactlyInAnyOrder("limits.memory", "limits.processes", "limits.cpu", "limits.disk");
			});
		assertThat(this.records).isEmpty();
	}

}
