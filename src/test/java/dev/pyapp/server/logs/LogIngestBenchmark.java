package dev.pyapp.server.logs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogsConfiguration;
import dev.pyapp.server.logs.internal.LogsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end ingest (a Python process logging through {@code logship} to the store)
 * against raw {@code insertMany} of the same documents into the same database. Not part
 * of the test suite: run by {@code bench/logs.sh}, which prints the table from
 * {@code bench/results/logs.json}.
 */
class LogIngestBenchmark {

	@Test
	void ingestRateAgainstRawInsertMany() throws Exception {
		int records = Integer.parseInt(System.getenv().getOrDefault("BENCH_RECORDS", "100000"));
		int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "5"));
		Path home = Files.createTempDirectory(Path.of("/tmp"), "pb");
		Files.createDirectories(home.resolve("run"));
		try (EmbeddedMongo mongo = new EmbeddedMongo()) {
			LogsProperties properties = LogFixtures.properties();
			LogStore store = LogsConfiguration.select(mongo.database(), properties);
			LogCollector collector = new LogCollector(store, properties, home.resolve("run/spill.jsonl"));
			LogSocketServer server = new LogSocketServer(collector, home);
			collector.start();
			server.start();
			try {
				// both paths run once untimed first, so that neither is measured with a
				// cold JIT; the raw runs insert the documents this first run stored
				int warmUp = Math.max(1000, records / 5);
				endToEnd(home, server, collector, "warmup", warmUp);
				rawInsertMany(mongo, documents(mongo, "warmup", warmUp), "warmup", properties.batchSize());
				endToEnd(home, server, collector, "source", records);
				List<Document> documents = documents(mongo, "source", records);
				List<Map<String, Object>> measured = new ArrayList<>();
				for (int round = 0; round < rounds; round++) {
					// rotated: every other round measures raw first, so that neither
					// path always runs on a hotter JIT or a busier neighbour
					double raw = 0;
					if (round % 2 == 1) {
						raw = rawInsertMany(mongo, documents, "r" + round, properties.batchSize());
					}
					double[] endToEnd = endToEnd(home, server, collector, "e" + round, records);
					if (round % 2 == 0) {
						raw = rawInsertMany(mongo, documents, "r" + round, properties.batchSize());
					}
					mongo.database().getCollection("logs.e" + round).drop();
					Map<String, Object> figures = new LinkedHashMap<>();
					figures.put("end_to_end_seconds", round(endToEnd[0]));
					figures.put("python_logging_seconds", round(endToEnd[1]));
					figures.put("raw_insert_many_seconds", round(raw));
					figures.put("ratio_end_to_end_vs_raw", round(raw / endToEnd[0]));
					measured.add(figures);
				}
				Map<String, Object> median = measured.stream()
					.sorted(java.util.Comparator
						.comparingDouble((figures) -> (Double) figures.get("ratio_end_to_end_vs_raw")))
					.toList()
					.get(rounds / 2);
				double endToEnd = (Double) median.get("end_to_end_seconds");
				double producerSeconds = (Double) median.get("python_logging_seconds");
				double rawSeconds = (Double) median.get("raw_insert_many_seconds");

				Map<String, Object> figures = new LinkedHashMap<>();
				figures.put("records", records);
				figures.put("store", store.getClass().getSimpleName());
				figures.put("batch_size", properties.batchSize());
				figures.put("warm_up_records", warmUp);
				figures.put("rounds", rounds);
				figures.put("end_to_end_seconds", endToEnd);
				figures.put("end_to_end_records_per_s", Math.round(records / endToEnd));
				figures.put("python_logging_seconds", producerSeconds);
				figures.put("python_logging_records_per_s", Math.round(records / producerSeconds));
				figures.put("raw_insert_many_seconds", rawSeconds);
				figures.put("raw_insert_many_records_per_s", Math.round(records / rawSeconds));
				figures.put("ratio_end_to_end_vs_raw", median.get("ratio_end_to_end_vs_raw"));
				figures.put("ratios_by_round",
						measured.stream().map((round) -> round.get("ratio_end_to_end_vs_raw")).toList());
				figures.put("dropped", collector.stats().dropped() + collector.stats().droppedBySenders());
				figures.put("cpus", Runtime.getRuntime().availableProcessors());
				figures.put("load_average", loadAverage());
				Path results = Path.of("bench/results/logs.json");
				Files.createDirectories(results.getParent());
				Files.writeString(results,
						JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(figures)
								+ "\n");
			}
			finally {
				server.stop();
				collector.stop();
			}
		}
		finally {
			AtomicFiles.deleteTree(home);
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (java.io.IOException ex) {
			return "unknown";
		}
	}

	/**
	 * Logs from a Python process and waits until the store holds every record.
	 * @return the seconds from starting the process until all were stored, and the
	 * seconds the Python logging loop took
	 */
	private static double[] endToEnd(Path home, LogSocketServer server, LogCollector collector, String app, int records)
			throws Exception {
		// one log socket per app
		server.listen(AppId.of(app));
		long before = collector.stats().stored();
		long started = System.nanoTime();
		PythonLogger.Result result = PythonLogger.run(home, app, """
				import logging, sys, time
				from pyapp_runtime import logship
				logship.install("worker")
				log = logging.getLogger("bench.web")
				start = time.time()
				for i in range(%d):
				    log.info("request %%d served in %%d ms for /entries/%%d", i, i %% 97, i %% 1013)
				sys.stderr.write(repr(time.time() - start))
				""".formatted(records), Map.of("PYAPP_LOG_QUEUE", Integer.toString(records + 1)));
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> collector.stats().stored() - before >= records);
		long ended = System.nanoTime();
		return new double[] { (ended - started) / 1e9, Double.parseDouble(result.stderr().trim()) };
	}

	/**
	 * Reads back what an end-to-end run stored for an app.
	 * @return the documents
	 */
	private static List<Document> documents(EmbeddedMongo mongo, String app, int records) {
		List<Document> documents = new ArrayList<>();
		for (Document doc : mongo.database().getCollection("logs." + app).find()) {
			documents.add(doc);
		}
		assertThat(documents).hasSize(records);
		return documents;
	}

	/**
	 * Inserts documents into a new collection, in batches of the collector's size.
	 * @return the seconds the inserts took
	 */
	private static double rawInsertMany(EmbeddedMongo mongo, List<Document> documents, String name, int batchSize) {
		MongoCollection<Document> raw = mongo.database().getCollection("raw." + name);
		long rawStart = System.nanoTime();
		for (int from = 0; from < documents.size(); from += batchSize) {
			raw.insertMany(documents.subList(from, Math.min(documents.size(), from + batchSize)));
		}
		double seconds = (System.nanoTime() - rawStart) / 1e9;
		// what the round stored is not needed again: keep the in-memory server small
		raw.drop();
		return seconds;
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

}
