package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.LogFixtures;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link LogStore} has, on a real MongoDB and on the embedded one.
 */
abstract class AbstractLogStoreContractTests {

	static final long CAPACITY = 64 * 1024;

	private LogStore store;

	/** A fresh, empty database. */
	abstract MongoDatabase database();

	abstract LogStore createStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout);

	@BeforeEach
	void createStore() {
		MongoDatabase database = database();
		database.drop();
		this.store = createStore(database, (app) -> app.equals("small") ? CAPACITY : 64L * 1024 * 1024,
				Duration.ofMillis(500));
	}

	@Test
	void returnsNewestFirstAcrossApps() {
		this.store.insert(List.of(LogFixtures.record(1, "alpha", LogLevel.INFO, "a", "one"),
				LogFixtures.record(2, "beta", LogLevel.INFO, "b", "two"),
				LogFixtures.record(3, "alpha", LogLevel.INFO, "a", "three")));

		assertThat(this.store.find(LogQuery.newest(null, 10)).records()).extracting(LogRecord::message)
			.containsExactly("three", "two", "one");
		assertThat(this.store.find(LogQuery.newest("alpha", 10)).records()).extracting(LogRecord::message)
			.containsExactly("three", "one");
		assertThat(this.store.newestId()).isEqualTo(3);
	}

	@Test
	void keepsEveryField() {
		LogRecord record = new LogRecord(7, Instant.parse("2024-05-01T12:00:00.123Z"), "alpha", "1.0-x", LogLevel.ERROR,
				"guestbook.web", "boom", "Traceback (most recent call last):\nValueError: x", 99, "Thread-1",
				"/entries/3");
		this.store.insert(List.of(record));

		assertThat(this.store.find(LogQuery.newest("alpha", 1)).records()).containsExactly(record);
	}

	@Test
	void filtersByLevelLoggerTextTimeAndRegex() {
		this.store.insert(List.of(LogFixtures.record(1, "alpha", LogLevel.DEBUG, "app.db", "Query took 5 ms"),
				LogFixtures.record(2, "alpha", LogLevel.WARNING, "app.web", "Slow REQUEST"),
				LogFixtures.record(3, "alpha", LogLevel.ERROR, "app", "failed", "KeyError: 'user-42'"),
				LogFixtures.record(4, "alpha", LogLevel.CRITICAL, "application", "down")));

		assertThat(messages(query().level(LogLevel.WARNING))).containsExactly("down", "failed", "Slow REQUEST");
		assertThat(messages(query().logger("app"))).containsExactly("failed", "Slow REQUEST", "Query took 5 ms");
		assertThat(messages(query().text("request"))).containsExactly("Slow REQUEST");
		assertThat(messages(query().text("USER-42"))).containsExactly("failed");
		assertThat(messages(query().regex("user-\\d+"))).containsExactly("failed");
		assertThat(messages(query().regex("^Q.*ms$"))).containsExactly("Query took 5 ms");
		assertThat(messages(query().since(LogFixtures.record(2, "x", LogLevel.INFO, "x", "x").time())
			.until(LogFixtures.record(4, "x", LogLevel.INFO, "x", "x").time())))
			.containsExactly("failed", "Slow REQUEST");
	}

	@Test
	void pagesOlderRecordsWithTheNextCursor() {
		this.store.insert(LongStream.rangeClosed(1, 25)
			.mapToObj((id) -> LogFixtures.record(id, "alpha", LogLevel.INFO, "a", "m" + id))
			.toList());

		List<Long> seen = new ArrayList<>();
		Long before = null;
		do {
			LogPage page = this.store.find(new LogQuery("alpha", null, null, null, null, null, null, 10, before));
			page.records().forEach((record) -> seen.add(record.id()));
			before = page.next();
		}
		while (before != null);

		assertThat(seen).containsExactlyElementsOf(LongStream.iterate(25, (id) -> id - 1).limit(25).boxed().toList());
	}

	@Test
	void returnsRecordsAfterAnIdOldestFirst() {
		this.store.insert(LongStream.rangeClosed(1, 10)
			.mapToObj((id) -> LogFixtures.record(id, (id % 2 == 0) ? "alpha" : "beta", LogLevel.INFO, "a", "m" + id))
			.toList());

		assertThat(this.store.after(null, 6, 100)).extracting(LogRecord::id).containsExactly(7L, 8L, 9L, 10L);
		assertThat(this.store.after("alpha", 3, 2)).extracting(LogRecord::id).containsExactly(4L, 6L);
	}

	@Test
	void skipsRecordsAlreadyStoredWhenABatchIsRetried() {
		List<LogRecord> batch = LongStream.rangeClosed(1, 5)
			.mapToObj((id) -> LogFixtures.record(id, "alpha", LogLevel.INFO, "a", "m" + id))
			.toList();
		this.store.insert(batch.subList(0, 3));
		this.store.insert(batch);

		assertThat(this.store.find(LogQuery.newest("alpha", 100)).records()).extracting(LogRecord::id)
			.containsExactly(5L, 4L, 3L, 2L, 1L);
	}

	@Test
	void dropsTheOldestRecordsAtTheBound() {
		String text = "x".repeat(300);
		int total = 2000;
		for (int start = 1; start <= total; start += 100) {
			this.store.insert(LongStream.range(start, start + 100)
				.mapToObj((id) -> LogFixtures.record(id, "small", LogLevel.INFO, "a", id + " " + text))
				.toList());
		}

		List<LogRecord> kept = new ArrayList<>();
		Long before = null;
		do {
			LogPage page = this.store.find(new LogQuery("small", null, null, null, null, null, null, 1000, before));
			kept.addAll(page.records());
			before = page.next();
		}
		while (before != null);
		assertThat(kept).isNotEmpty().hasSizeLessThan(total);
		long bytes = kept.stream().mapToLong(LogDocuments::estimateSize).sum();
		assertThat(bytes).isLessThanOrEqualTo(CAPACITY);
		// the newest are kept, in an unbroken run: only the oldest were dropped
		List<Long> ids = kept.stream().map(LogRecord::id).toList();
		assertThat(ids.get(0)).isEqualTo(total);
		assertThat(ids)
			.containsExactlyElementsOf(LongStream.iterate(total, (id) -> id - 1).limit(ids.size()).boxed().toList());
		assertThat(this.store.capacity("small")).isEqualTo(CAPACITY);
	}

	@Test
	void boundsTheTimeOfARegexSearch() {
		String evil = "a".repeat(60) + "b";
		this.store.insert(LongStream.rangeClosed(1, 3)
			.mapToObj((id) -> LogFixtures.record(id, "alpha", LogLevel.INFO, "a", evil))
			.toList());

		long start = System.nanoTime();
		LogPage page = this.store.find(query().regex("(.*a){12}X").build());

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(page.records()).isEmpty();
		assertThat(page.next()).isNotNull();
	}

	@Test
	void removingAnAppDeletesItsRecordsAndRefusesTheOlderOnesThatArriveLater() {
		this.store.insert(List.of(LogFixtures.record(1, "alpha", LogLevel.INFO, "a", "old one"),
				LogFixtures.record(2, "beta", LogLevel.INFO, "b", "beta"),
				LogFixtures.record(3, "alpha", LogLevel.INFO, "a", "old two")));

		this.store.remove("alpha", 4);
		this.store.insert(List.of(LogFixtures.record(4, "alpha", LogLevel.INFO, "a", "late"),
				LogFixtures.record(5, "alpha", LogLevel.INFO, "a", "new")));

		assertThat(messages(query())).containsExactly("new");
		assertThat(this.store.after("alpha", 0, 100)).extracting(LogRecord::message).containsExactly("new");
		assertThat(this.store.find(LogQuery.newest(null, 10)).records()).extracting(LogRecord::message)
			.containsExactly("new", "beta");
	}

	@Test
	void aRemovalOutlivesARestart() {
		this.store.insert(List.of(LogFixtures.record(1, "alpha", LogLevel.INFO, "a", "old")));
		this.store.remove("alpha", 7);

		LogStore restarted = createStore(database(), (app) -> 64L * 1024 * 1024, Duration.ofMillis(500));
		restarted.insert(List.of(LogFixtures.record(6, "alpha", LogLevel.INFO, "a", "spilled before the removal"),
				LogFixtures.record(8, "alpha", LogLevel.INFO, "a", "new")));

		assertThat(restarted.find(LogQuery.newest("alpha", 10)).records()).extracting(LogRecord::message)
			.containsExactly("new");
		assertThat(createStore(database(), (app) -> 1024L, Duration.ofMillis(500)).newestId()).isEqualTo(8);
	}

	@Test
	void anAppNeverStoredCanBeRemoved() {
		this.store.remove("ghost", 3);

		assertThat(this.store.find(LogQuery.newest("ghost", 10)).records()).isEmpty();
		assertThat(this.store.newestId()).isEqualTo(3);
	}

	private List<String> messages(QueryBuilder query) {
		return this.store.find(query.build()).records().stream().map(LogRecord::message).toList();
	}

	static QueryBuilder query() {
		return new QueryBuilder();
	}

	/** Builds a {@link LogQuery} for app {@code alpha}. */
	static final class QueryBuilder {

		private LogLevel level;

		private Instant since;

		private Instant until;

		private String logger;

		private String text;

		private Pattern regex;

		QueryBuilder level(LogLevel level) {
			this.level = level;
			return this;
		}

		QueryBuilder since(Instant since) {
			this.since = since;
			return this;
		}

		QueryBuilder until(Instant until) {
			this.until = until;
			return this;
		}

		QueryBuilder logger(String logger) {
			this.logger = logger;
			return this;
		}

		QueryBuilder text(String text) {
			this.text = text;
			return this;
		}

		QueryBuilder regex(String regex) {
			this.regex = Pattern.compile(regex);
			return this;
		}

		LogQuery build() {
			return new LogQuery("alpha", this.level, this.since, this.until, this.logger, this.text, this.regex, 100,
					null);
		}

	}

}
