package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.LogSocketStats;
import dev.pyapp.server.logs.LogStatistics;
import dev.pyapp.server.logs.LogStats;
import dev.pyapp.server.logs.LogTail;
import dev.pyapp.server.logs.LogViewer;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code logs.query}, {@code logs.tail} (SPEC §9 "Logs") and
 * {@code logs.stats}. Every member of a record is present, {@code null} when unknown,
 * except {@code node}, which only a record pulled from a node has.
 */
class LogsRpcTests {

	private final LogViewer viewer = mock(LogViewer.class);

	private final LogStatistics statistics = mock(LogStatistics.class);

	private final LogsRpc rpc = new LogsRpc(this.viewer, this.statistics);

	@Test // trial: the counters came as droppedBySenders, storeAvailable, cutBatches...
	void logsStatsNamesItsCountersInSnakeCase() {
		given(this.statistics.stats())
			.willReturn(new LogStats(10, 7, 2, 1, 0, 3, true, new LogSocketStats(2, 3, 4, 5, 6, 7, 8)));
		assertJson(this.rpc.stats(),
				"{'received':10,'stored':7,'buffered':2,'spilled':1,'dropped':0,'dropped_by_senders':3,"
						+ "'store_available':true,'socket':{'sockets':2,'connections':3,'refused_connections':4,"
						+ "'cut_batches':5,'cut_bytes':6,'malformed_batches':7,'buffered_bytes':8}}");
	}

	@Test
	void logsQueryReturnsRecordsAndTheNextCursor() {
		given(this.viewer.query(any())).willReturn(new LogPage(List.of(local(), remote()), 41L));
		assertJson(this.rpc.query(new LogsRpc.QueryParams(null, null, null, null, null, null, null, null, null, null)),
				"{'records':[" + LOCAL + "," + REMOTE + "],'next':'41'}");
	}

	@Test
	void logsQueryOfTheLastPageHasNoNextCursor() {
		given(this.viewer.query(any())).willReturn(new LogPage(List.of(), null));
		assertJson(
				this.rpc.query(new LogsRpc.QueryParams("blog", "INFO", null, null, null, null, null, 10, null, null)),
				"{'records':[],'next':null}");
	}

	@Test // spec sweep: the message named ISO-8601 times only, though dates and durations
			// work
	void aTimeThatIsNoneOfTheAcceptedFormsNamesEachForm() {
		List<Problem> problems = new ArrayList<>();
		assertThat(LogsRpc.time("since", "2h", problems)).isBefore(Instant.now().minusSeconds(7100));
		assertThat(LogsRpc.time("since", "2024-05-01", problems)).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
		assertThat(problems).isEmpty();

		assertThat(LogsRpc.time("since", "yesterday", problems)).isNull();

		assertThat(problems).extracting(Problem::path, Problem::message)
			.containsExactly(tuple("since", "expected an ISO-8601 time such as 2024-05-01T12:00:00Z, a date such as"
					+ " 2024-05-01, or a duration before now such as 30m, 2h or 1d"));
	}

	@Test
	void logsTailReturnsRecordsAndTheCursor() {
		given(this.viewer.tail("blog", 40L)).willReturn(new LogTail(List.of(local()), 42));
		assertJson(this.rpc.tail(new LogsRpc.TailParams("blog", "40")), "{'records':[" + LOCAL + "],'cursor':'42'}");
	}

	private static final String LOCAL = "{'id':'42','time':'2026-01-02T03:04:05.000Z','app':'blog','release':'r1',"
			+ "'level':'ERROR','logger':'app.views','message':'boom','exception':'Traceback','pid':4242,"
			+ "'thread':'MainThread','path':'/blog/x'}";

	private static final String REMOTE = "{'id':'43','time':'2026-01-02T03:04:05.120Z','app':null,'release':null,"
			+ "'level':'INFO','logger':'stdout','message':'hello','exception':null,'pid':null,'thread':null,"
			+ "'path':null,'node':'n1'}";

	private static LogRecord local() {
		return new LogRecord(42, Instant.parse("2026-01-02T03:04:05Z"), "blog", "r1", LogLevel.ERROR, "app.views",
				"boom", "Traceback", 4242, "MainThread", "/blog/x", null);
	}

	private static LogRecord remote() {
		return new LogRecord(43, Instant.parse("2026-01-02T03:04:05.120456Z"), null, null, LogLevel.INFO, "stdout",
				"hello", null, null, null, null, "n1");
	}

}
