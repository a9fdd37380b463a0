package dev.pyapp.server.logs;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.internal.RecentRecords;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The records kept in memory for tails are bounded by the memory they take, not only by
 * their count (GH-13, item 7).
 */
class RecentRecordsTests {

	private static final long LIMIT = 32L * 1024 * 1024;

	private static LogRecord maximal(long id) {
		return LogFixtures.record(id, "big", LogLevel.ERROR, "app", "m".repeat(LogSocketServer.MAX_MESSAGE),
				"e".repeat(LogSocketServer.MAX_EXCEPTION));
	}

	@Test // GH-13 (7)
	void maximalRecordsAreHeldOnlyUpToTheByteBound() {
		RecentRecords recent = new RecentRecords(20_000, LIMIT);
		for (long id = 1; id <= 400; id++) {
			recent.stored(List.of(maximal(id)));
		}
		assertThat(recent.bytes()).isLessThanOrEqualTo(LIMIT);
		assertThat(recent.size()).isLessThan(400).isGreaterThan(10);
		// the newest are answered from memory, older ones are left to the store
		assertThat(recent.after(null, 399, 100)).extracting(LogRecord::id).containsExactly(400L);
		assertThat(recent.after(null, 1, 100)).isNull();
	}

	@Test
	void smallRecordsAreStillBoundedByCount() {
		RecentRecords recent = new RecentRecords(100, LIMIT);
		for (long id = 1; id <= 1000; id++) {
			recent.stored(List.of(LogFixtures.record(id, "small", LogLevel.INFO, "app", "hello")));
		}
		assertThat(recent.size()).isEqualTo(100);
		assertThat(recent.after(null, 900, 1000)).hasSize(100);
	}

}
