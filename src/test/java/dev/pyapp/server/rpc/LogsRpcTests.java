package dev.pyapp.server.rpc;

import java.time.Instant;
import java.util.List;

import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.LogStatistics;
import dev.pyapp.server.logs.LogTail;
import dev.pyapp.server.logs.LogViewer;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code logs.query} and {@code logs.tail} (SPEC §9 "Logs"): every member of
 * a record is present, {@code null} when unknown, except {@code node}, which only a
 * record pulled from a node has.
 */
class LogsRpcTests {

	private final LogViewer viewer = mock(LogViewer.class);

	private final LogsRpc rpc = new LogsRpc(this.viewer, mock(LogStatistics.class));

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
