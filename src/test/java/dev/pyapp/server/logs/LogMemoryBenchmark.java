package dev.pyapp.server.logs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogsConfiguration;
import dev.pyapp.server.logs.internal.LogsProperties;

import static org.awaitility.Awaitility.await;

/**
 * The heap of the log intake under hostile senders (GH-13, items 6 and 7), for
 * {@code bench/logs-memory.sh}: heap used after a full GC at idle, with 200 hostile
 * connections each holding an incomplete line of up to 1 MiB, and while and after 20,000
 * maximal records (64 KiB message, 256 KiB exception) go through the sockets into the
 * embedded store (H2, as in production). Also samples the heap every 50 ms to report the
 * peak. Writes {@code bench/results/logs-memory.json}.
 */
class LogMemoryBenchmark {

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	@Test
	void heapUnderHostileConnectionsAndMaximalRecords() throws Exception {
		int records = Integer.parseInt(System.getenv().getOrDefault("BENCH_RECORDS", "20000"));
		int connections = Integer.parseInt(System.getenv().getOrDefault("BENCH_CONNECTIONS", "200"));
		Path home = Files.createTempDirectory(Path.of("/tmp"), "pm");
		MongoServer mongo = new MongoServer(new H2Backend(home.resolve("bench.mv.db").toString()));
		mongo.bind("127.0.0.1", 0);
		AtomicBoolean sampling = new AtomicBoolean(true);
		AtomicLong peak = new AtomicLong();
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		try (MongoClient client = MongoClients
			.create(new ConnectionString("mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort()))) {
			LogsProperties properties = LogFixtures.properties();
			LogStore store = LogsConfiguration.select(client.getDatabase("pyapp"), properties);
			LogCollector collector = new LogCollector(store, properties, home.resolve("run/spill.jsonl"));
			LogSocketServer server = new LogSocketServer(collector, home);
			collector.start();
			server.start();
			List<SocketChannel> hostile = new ArrayList<>();
			Map<String, Object> figures = new LinkedHashMap<>();
			try {
				List<Path> sockets = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					sockets.add(server.listen(AppId.of("app" + i)));
				}
				long idle = usedAfterGc();
				figures.put("heap_idle_mib", mib(idle));
				sampler.start();

				// 200 hostile connections (20 per app), each an incomplete line of 1 MiB
				// - 1
				byte[] partial = new byte[1024 * 1024 - 1];
				java.util.Arrays.fill(partial, (byte) 'x');
				for (int i = 0; i < connections; i++) {
					SocketChannel channel = connect(sockets.get(i % sockets.size()));
					hostile.add(channel);
					write(channel, partial);
				}
				await().atMost(Duration.ofMinutes(2))
					.until(() -> server.stats().connections() >= Math.min(connections, 10 * 32));
				long withHostile = usedAfterGc();
				figures.put("hostile_connections", server.stats().connections());
				figures.put("hostile_buffered_mib", mib(server.stats().bufferedBytes()));
				figures.put("heap_with_hostile_connections_mib", mib(withHostile));
				figures.put("heap_above_idle_with_hostile_mib", mib(withHostile - idle));
				for (SocketChannel channel : hostile) {
					channel.close();
				}
				await().atMost(Duration.ofMinutes(1)).until(() -> server.stats().connections() == 0);

				// 20,000 maximal records from 10 senders, one record per line
				String message = "m".repeat(LogSocketServer.MAX_MESSAGE);
				String exception = "e".repeat(LogSocketServer.MAX_EXCEPTION);
				byte[] line = ("{\"app\":\"x\",\"release\":null,\"pid\":1,\"dropped\":0,\"records\":[[1.7e9,40,\"big\",\""
						+ message + "\",\"" + exception + "\",\"T\",null]]}\n")
					.getBytes(StandardCharsets.UTF_8);
				long start = System.nanoTime();
				List<Thread> senders = new ArrayList<>();
				for (int s = 0; s < 10; s++) {
					Path socket = sockets.get(s);
					int count = records / 10;
					Thread sender = new Thread(() -> {
						try (SocketChannel channel = connect(socket)) {
							for (int i = 0; i < count; i++) {
								write(channel, line);
							}
						}
						catch (IOException ex) {
							throw new IllegalStateException(ex);
						}
					});
					sender.start();
					senders.add(sender);
				}
				for (Thread sender : senders) {
					sender.join();
				}
				await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
					LogStats stats = collector.stats();
					return stats.received() >= records && stats.buffered() == 0 && stats.spilled() == 0;
				});
				double seconds = (System.nanoTime() - start) / 1e9;
				long afterRecords = usedAfterGc();
				sampling.set(false);
				sampler.join();
				LogStats stats = collector.stats();
				figures.put("maximal_records", records);
				figures.put("maximal_record_bytes", line.length);
				figures.put("records_seconds", Math.round(seconds * 10) / 10.0);
				figures.put("stored", stats.stored());
				figures.put("dropped", stats.dropped());
				figures.put("recent_records_held", collector.recent().size());
				figures.put("recent_records_mib", mib(collector.recent().bytes()));
				figures.put("heap_after_records_mib", mib(afterRecords));
				figures.put("heap_above_idle_after_records_mib", mib(afterRecords - idle));
				figures.put("heap_peak_sampled_mib", mib(peak.get()));
				figures.put("heap_peak_above_idle_mib", mib(peak.get() - idle));
				figures.put("max_heap_mib", mib(memory.getHeapMemoryUsage().getMax()));
			}
			finally {
				sampling.set(false);
				server.stop();
				collector.stop();
			}
			Path results = Path.of("bench/results/logs-memory.json");
			Files.createDirectories(results.getParent());
			Files.writeString(results,
					JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
		}
		finally {
			mongo.shutdownNow();
			AtomicFiles.deleteTree(home);
		}
	}

	private static SocketChannel connect(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(socket));
		return channel;
	}

	private static void write(SocketChannel channel, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private static long usedAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			TimeUnit.MILLISECONDS.sleep(200);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static double mib(long bytes) {
		return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
	}

}
