package dev.pyapp.server.logs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.mongodb.MongoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.logs.internal.EmulatedCappedLogStore;
import dev.pyapp.server.logs.internal.LogDocuments;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.RecentRecords;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The collector between the senders and the store: buffering through an outage of
 * MongoDB, and tails.
 */
class LogCollectorTests {

	@TempDir
	Path dir;

	private EmbeddedMongo mongo;

	private LogCollector collector;

	@BeforeEach
	void startMongo() {
		this.mongo = new EmbeddedMongo();
	}

	@AfterEach
	void stop() {
		if (this.collector != null) {
			this.collector.stop();
		}
		this.mongo.close();
	}

	private LogCollector start(int bufferRecords, DataSize spill) {
		LogsProperties properties = LogFixtures.properties(DataSize.ofMegabytes(64), bufferRecords, spill);
		LogStore store = new EmulatedCappedLogStore(this.mongo.database(), properties::capacity, Duration.ofSeconds(1));
		this.collector = new LogCollector(store, properties, this.dir.resolve("spill.jsonl"));
		this.collector.start();
		return this.collector;
	}

	private static List<LogRecord> records(String app, int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> new LogRecord(0, Instant.now(), app, null, LogLevel.INFO, "test", "record " + i, null, 1,
					null, null))
			.toList();
	}

	private long stored(String app) {
		return this.mongo.database().getCollection(LogDocuments.collection(app)).countDocuments();
	}

	@Test
	void keepsRecordsThatArriveWhileMongoIsDownAndWritesThemWhenItIsBack() {
		LogCollector collector = start(200, DataSize.ofMegabytes(8));
		collector.collect(records("alpha", 10));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("alpha") == 10);

		this.mongo.stop();
		for (int i = 0; i < 10; i++) {
			collector.collect(records("alpha", 300));
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(collector.stats().storeAvailable()).isFalse());
		assertThat(collector.stats().spilled()).isGreaterThan(0);
		assertThat(Files.exists(this.dir.resolve("spill.jsonl"))).isTrue();

		this.mongo.restart();
		// the restarted server is empty: exactly the records collected during the
		// outage arrive
		await().atMost(Duration.ofSeconds(30)).until(() -> stored("alpha") == 3000);
		LogStats stats = collector.stats();
		assertThat(stats.dropped()).isZero();
		assertThat(stats.received()).isEqualTo(3010);
		assertThat(stats.spilled()).isZero();
		assertThat(stats.storeAvailable()).isTrue();
		assertThat(Files.exists(this.dir.resolve("spill.jsonl"))).isFalse();
		List<LogRecord> newest = collector.store().find(LogQuery.newest("alpha", 1000)).records();
		assertThat(newest).extracting(LogRecord::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
	}

	@Test
	void dropsAndCountsOnlyWhatExceedsTheBufferBound() {
		LogCollector collector = start(100, DataSize.ofKilobytes(20));
		collector.collect(records("alpha", 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("alpha") == 1);

		this.mongo.stop();
		collector.collect(records("alpha", 2000));
		LogStats during = collector.stats();
		assertThat(during.dropped()).isPositive();

		this.mongo.restart();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			LogStats stats = collector.stats();
			assertThat(stats.buffered() + stats.spilled()).isZero();
			assertThat(stored("alpha")).isEqualTo(2000 - during.dropped());
		});
	}

	@Test
	void tailsWaitForTheNextRecordAndReturnItPromptly() throws Exception {
		LogCollector collector = start(1000, DataSize.ofMegabytes(1));
		LogViewer viewer = new LogViewer(collector, Duration.ofSeconds(25));
		collector.collect(records("alpha", 3));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("alpha") == 3);

		LogTail start = viewer.tail("alpha", null);
		assertThat(start.records()).extracting(LogRecord::message).containsExactly("record 0", "record 1", "record 2");

		CompletableFuture<LogTail> next = CompletableFuture.supplyAsync(() -> viewer.tail("alpha", start.cursor()));
		CompletableFuture<LogTail> other = CompletableFuture.supplyAsync(() -> viewer.tail("beta", start.cursor()));
		Thread.onSpinWait();
		assertThat(next).isNotDone();
		long sent = System.nanoTime();
		collector.collect(List
			.of(new LogRecord(0, Instant.now(), "alpha", null, LogLevel.ERROR, "test", "news", null, 1, null, null)));
		LogTail tail = next.get();
		// woken by the record, not at the end of its 25 s wait (5 s: room for a store
		// on a busy machine)
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
		assertThat(tail.records()).extracting(LogRecord::message).containsExactly("news");
		assertThat(tail.cursor()).isEqualTo(tail.records().get(0).id());
		assertThat(other).isNotDone();

		LogTail empty = viewer.tail("alpha", tail.cursor(), Duration.ofMillis(200));
		assertThat(empty.records()).isEmpty();
		assertThat(empty.cursor()).isEqualTo(tail.cursor());
	}

	@Test
	void continuesWithTheSpillFileOfAnEarlierRun() {
		LogCollector first = start(10, DataSize.ofMegabytes(1));
		this.mongo.stop();
		first.collect(records("alpha", 50));
		first.stop();
		this.mongo.restart();

		this.collector = null;
		LogCollector second = start(10, DataSize.ofMegabytes(1));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(stored("alpha")).as("stored, with %s", second.stats()).isEqualTo(50));
		assertThat(second.stats().dropped()).isZero();
	}

	@Test // GH-13 (7)
	void theMemoryBufferIsBoundedInBytesAndTheRestSpills() {
		LogsProperties properties = LogFixtures.properties();
		LogStore store = new EmulatedCappedLogStore(this.mongo.database(), properties::capacity, Duration.ofSeconds(1));
		// not started: nothing is written, everything waits
		LogCollector idle = new LogCollector(store, properties, this.dir.resolve("spill.jsonl"));
		for (long i = 0; i < 400; i++) {
			idle.collect(LogFixtures.record(0, "big", LogLevel.ERROR, "app", "m".repeat(LogSocketServer.MAX_MESSAGE),
					"e".repeat(LogSocketServer.MAX_EXCEPTION)));
		}
		LogStats stats = idle.stats();
		long recordSize = RecentRecords.size(LogFixtures.record(0, "big", LogLevel.ERROR, "app",
				"m".repeat(LogSocketServer.MAX_MESSAGE), "e".repeat(LogSocketServer.MAX_EXCEPTION)));
		assertThat(stats.buffered() * recordSize).isLessThanOrEqualTo(properties.bufferSize().toBytes());
		assertThat(stats.buffered()).isPositive();
		assertThat(stats.spilled()).isPositive();
		// beyond the spill file's bound (64 MB here) records are dropped and counted
		assertThat(stats.buffered() + stats.spilled() + stats.dropped()).isEqualTo(400);
	}

	@Test
	void aRemovedAppsRecordsDoNotShowUnderANewAppOfTheSameName() {
		LogCollector collector = start(1000, DataSize.ofMegabytes(1));
		LogViewer viewer = new LogViewer(collector, Duration.ofSeconds(25));
		collector.collect(records("hello", 3));
		collector.collect(records("other", 2));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("hello") == 3 && stored("other") == 2);
		// the oldest record held in memory: tails after it are answered from there
		long first = viewer.tail(null, null).records().get(0).id() - 1;

		collector.on(new AppRemoved(AppId.of("hello"), false));
		collector.collect(List
			.of(new LogRecord(0, Instant.now(), "hello", null, LogLevel.INFO, "test", "new app", null, 1, null, null)));

		await().atMost(Duration.ofSeconds(10)).until(() -> stored("hello") == 1);
		assertThat(viewer.query(LogQuery.newest("hello", 100)).records()).extracting(LogRecord::message)
			.containsExactly("new app");
		assertThat(viewer.tail("hello", null).records()).extracting(LogRecord::message).containsExactly("new app");
		assertThat(viewer.tail("hello", 0L, Duration.ZERO).records()).extracting(LogRecord::message)
			.containsExactly("new app");
		assertThat(viewer.tail(null, first, Duration.ZERO).records()).extracting(LogRecord::app, LogRecord::message)
			.containsExactly(tuple("other", "record 0"), tuple("other", "record 1"), tuple("hello", "new app"));
		assertThat(viewer.tail(null, 0L, Duration.ZERO).records()).extracting(LogRecord::app, LogRecord::message)
			.containsExactly(tuple("other", "record 0"), tuple("other", "record 1"), tuple("hello", "new app"));
		assertThat(stored("other")).isEqualTo(2);
	}

	@Test
	void recordsOfARemovedAppStillOnTheirWayAreNotStored() {
		LogsProperties properties = LogFixtures.properties();
		LogStore store = new EmulatedCappedLogStore(this.mongo.database(), properties::capacity, Duration.ofSeconds(1));
		// not started: the records wait in the buffer while the app is removed
		LogCollector collector = new LogCollector(store, properties, this.dir.resolve("spill.jsonl"));
		this.collector = collector;
		collector.collect(records("hello", 5));
		collector.on(new AppRemoved(AppId.of("hello"), false));
		collector.collect(List
			.of(new LogRecord(0, Instant.now(), "hello", null, LogLevel.INFO, "test", "new app", null, 1, null, null)));

		collector.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> collector.stats().buffered() == 0 && stored("hello") == 1);
		assertThat(collector.store().find(LogQuery.newest("hello", 100)).records()).extracting(LogRecord::message)
			.containsExactly("new app");
	}

	@Test
	void aRemovalWhoseRecordsCannotBeDeletedIsNotFailedByThem() {
		LogStore store = mock(LogStore.class);
		willThrow(new MongoException("unavailable")).given(store).remove(anyString(), anyLong());
		LogCollector collector = new LogCollector(store, LogFixtures.properties(), this.dir.resolve("spill.jsonl"));

		assertThatNoException().isThrownBy(() -> collector.on(new AppRemoved(AppId.of("hello"), false)));
		verify(store).remove(anyString(), anyLong());
	}

	@Test
	void aRemovalThatKeepsTheDataKeepsTheRecords() {
		LogCollector collector = start(1000, DataSize.ofMegabytes(1));
		collector.collect(records("hello", 3));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("hello") == 3);

		collector.on(new AppRemoved(AppId.of("hello"), true));

		assertThat(collector.store().find(LogQuery.newest("hello", 100)).records()).hasSize(3);
	}

	@Test // the UI audit: "All logs of this deploy" of a failed first install showed none
	void aFirstInstallThatFailedKeepsWhatItPrinted() {
		LogCollector collector = start(1000, DataSize.ofMegabytes(1));
		collector.collect(records("hello", 3));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored("hello") == 3);

		collector.on(new AppRemoved(AppId.of("hello"), false, true));

		assertThat(collector.store().find(LogQuery.newest("hello", 100)).records()).hasSize(3);
	}

}
