package dev.pyapp.server.logs;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.internal.EmulatedCappedLogStore;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogsProperties;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app's last error is the newest error of its current installation not acknowledged;
 * the records of an earlier installation under its name stay in its log.
 */
class AppErrorsTests {

	private static final AppId APP = AppId.of("blog");

	@TempDir
	Path dir;

	private EmbeddedMongo mongo;

	private LogCollector collector;

	@BeforeEach
	void start() {
		this.mongo = new EmbeddedMongo();
		LogsProperties properties = LogFixtures.properties(DataSize.ofMegabytes(64), 1000, DataSize.ofMegabytes(1));
		LogStore store = new EmulatedCappedLogStore(this.mongo.database(), properties::capacity, Duration.ofSeconds(1));
		this.collector = new LogCollector(store, properties, this.dir.resolve("spill.jsonl"));
		this.collector.start();
	}

	@AfterEach
	void stop() {
		this.collector.stop();
		this.mongo.close();
	}

	@Test // the deploy audit: a failed, forgotten first install's error was the last
			// error
			// of the app installed again under its name
	void anErrorOfAnEarlierInstallationIsNotTheLastErrorButStaysInTheLog() {
		Instant failedInstall = Instant.now().minusSeconds(120);
		Instant installed = failedInstall.plusSeconds(60);
		AppErrors errors = errors();
		collect(failedInstall.plusSeconds(1), "pyapp.deploy", "the health check failed");

		assertThat(errors.lastError(APP, failedInstall)).map(LogRecord::message).contains("the health check failed");
		assertThat(errors.lastError(APP, installed)).isEmpty();
		assertThat(errors().lastError(APP, installed)).as("read from the store").isEmpty();
		assertThat(this.collector.store()
			.find(new LogQuery(APP.value(), LogLevel.ERROR, null, null, null, null, null, 10, null))
			.records()).extracting(LogRecord::message).containsExactly("the health check failed");

		collect(installed.plusSeconds(1), "app.views", "boom");

		assertThat(errors.lastError(APP, installed)).map(LogRecord::message).contains("boom");
		assertThat(errors().lastError(APP, installed)).as("read from the store")
			.map(LogRecord::message)
			.contains("boom");
	}

	private AppErrors errors() {
		return new AppErrors(this.collector, this.mongo.database().getCollection("error_acknowledgements"));
	}

	private void collect(Instant time, String logger, String message) {
		long before = stored();
		this.collector.collect(new LogRecord(0, time, APP.value(), "1.0-x", LogLevel.ERROR, logger, message, null, 4242,
				"MainThread", null));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored() == before + 1);
	}

	private long stored() {
		return this.collector.store()
			.find(new LogQuery(APP.value(), LogLevel.DEBUG, null, null, null, null, null, 100, null))
			.records()
			.size();
	}

}
