package dev.pyapp.server.rpc.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.metrics.MetricsHistory;
import dev.pyapp.server.metrics.MetricsSeries;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * {@code apps.metrics}: an app's series over time for the UI's charts (SPEC §10).
 */
@RpcEndpoint
class MetricsRpc {

	private final MetricsHistory history;

	MetricsRpc(MetricsHistory history) {
		this.history = history;
	}

	@RpcMethod(value = "apps.metrics", role = Role.VIEWER, readOnly = true)
	MetricsSeries metrics(MetricsParams params) {
		List<Problem> problems = new ArrayList<>();
		Instant since = LogsRpc.time("since", params.since(), problems);
		Instant until = LogsRpc.time("until", params.until(), problems);
		Duration step = null;
		if (params.step() != null && !params.step().isBlank()) {
			try {
				step = DurationStyle.detectAndParse(params.step().trim());
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem("step", "expected a duration such as 60s, 5m or 1h"));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid metrics query", problems);
		}
		return this.history.series(AppId.of(params.name()), since, until, step);
	}

	/**
	 * @param name the app
	 * @param since the start: ISO-8601, or a duration meaning that long ago (default an
	 * hour before {@code until})
	 * @param until the end (default now)
	 * @param step the time between points, such as {@code 1m} (default: as fine as the
	 * samples allow)
	 */
	record MetricsParams(String name, @Nullable String since, @Nullable String until, @Nullable String step) {
	}

}
