package dev.pyapp.server.logs;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogsConfiguration;
import dev.pyapp.server.logs.internal.LogsProperties;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The apps' log sockets as a hostile sender meets them: the app of a record comes from
 * the socket, and connections, lines and buffers are bounded (GH-13, items 3 and 6).
 */
class LogSocketServerTests {

	private static final String RELEASE = "1.0-20240101T000000Z";

	@TempDir
	Path dir;

	private EmbeddedMongo mongo;

	private LogCollector collector;

	private LogSocketServer server;

	private final List<LogRecord> collected = new CopyOnWriteArrayList<>();

	private final List<SocketChannel> clients = new ArrayList<>();

	@BeforeEach
	void startMongo() {
		this.mongo = new EmbeddedMongo();
	}

	@AfterEach
	void stop() throws IOException {
		for (SocketChannel client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.stop();
		}
		this.mongo.close();
	}

	private LogSocketServer start(LogsProperties.Socket limits) throws IOException {
		LogsProperties properties = LogFixtures.properties();
		LogStore store = LogsConfiguration.select(this.mongo.database(), properties);
		this.collector = new LogCollector(store, properties, this.dir.resolve("spill.jsonl"));
		this.collector.addListener(this.collected::add);
		PyappHome home = new PyappHome(this.dir.resolve("home"));
		Files.createDirectories(home.app(AppId.of("victim")).releases().resolve(RELEASE));
		Files.createDirectories(home.app(AppId.of("attacker")).releases().resolve(RELEASE));
		this.server = new LogSocketServer(this.collector, limits, (app) -> home.app(app).logSocket(),
				home.run().resolve("log-sockets"), (app, release) -> Files.isDirectory(home.app(app).release(release)),
				List::of, null);
		this.server.start();
		return this.server;
	}

	private static LogsProperties.Socket limits(DataSize maxLine, int perApp, DataSize buffered, Duration timeout) {
		return new LogsProperties.Socket(maxLine, perApp, buffered, timeout, 2);
	}

	private SocketChannel connect(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(socket));
		this.clients.add(channel);
		return channel;
	}

	private static void send(SocketChannel channel, String text) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private static String batch(String app, String release, String logger, int level, String message) {
		return batch(app, release, 7, logger, level, message);
	}

	private static String batch(String app, String release, int pid, String logger, int level, String message) {
		return "{\"app\":\"" + app + "\",\"release\":\"" + release + "\",\"pid\":" + pid
				+ ",\"dropped\":0,\"records\":[[1.7e9," + level + ",\"" + logger + "\",\"" + message
				+ "\",null,\"MainThread\",null]]}\n";
	}

	private List<LogRecord> withMessage(String message) {
		return this.collected.stream().filter((record) -> record.message().equals(message)).toList();
	}

	@Test // GH-13 (3)
	void takesTheAppOfARecordFromTheSocketNeverFromTheRecord() throws IOException {
		LogSocketServer server = start(LogsProperties.Socket.defaults());
		Path victim = server.listen(AppId.of("victim"));
		Path attacker = server.listen(AppId.of("attacker"));
		assertThat(victim).isNotEqualTo(attacker);
		assertThat(attacker).hasFileName("logs.sock").hasParent(this.dir.resolve("home/apps/attacker/run"));

		SocketChannel channel = connect(attacker);
		send(channel, batch("victim", RELEASE, "pyapp.deploy", 50, "forged"));
		send(channel, batch("victim", "2.0-20250101T000000Z", "app", 20, "second"));

		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("second").size() == 1);
		LogRecord forged = withMessage("forged").get(0);
		assertThat(forged.app()).isEqualTo("attacker");
		assertThat(forged.release()).isEqualTo(RELEASE);
		// the release is the connection's: a later batch cannot change it
		assertThat(withMessage("second").get(0).release()).isEqualTo(RELEASE);
		assertThat(this.collected).noneMatch((record) -> "victim".equals(record.app()));
	}

	@Test
	void aPidFromInsideASandboxIsStoredAsTheServerSeesIt() throws IOException {
		LogSocketServer server = start(LogsProperties.Socket.defaults());
		// the sender's process as the server's /proc shows it: 4242 here, 7 in its
		// sandbox's PID namespace
		Path proc = this.dir.resolve("proc");
		Files.createDirectories(proc.resolve("4242"));
		Files.writeString(proc.resolve("4242/status"), "Name:\tpython3\nNSpid:\t4242\t7\n");
		server.senderPids(new SenderPids(proc));
		SocketChannel channel = connect(server.listen(AppId.of("attacker")));

		send(channel, batch("attacker", RELEASE, 7, "app", 20, "inside"));
		// a pid no process of the sender's user has is kept as reported
		send(channel, batch("attacker", RELEASE, 11, "app", 20, "unknown"));

		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("unknown").size() == 1);
		assertThat(withMessage("inside").get(0).pid()).isEqualTo(4242);
		assertThat(withMessage("unknown").get(0).pid()).isEqualTo(11);
	}

	@Test // GH-13 (3)
	void aReleaseTheAppDoesNotHaveIsNotTakenFromTheSender() throws IOException {
		LogSocketServer server = start(LogsProperties.Socket.defaults());
		SocketChannel channel = connect(server.listen(AppId.of("attacker")));
		send(channel, batch("attacker", "../victim/releases/" + RELEASE, "app", 20, "sneaky"));
		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("sneaky").size() == 1);
		assertThat(withMessage("sneaky").get(0).release()).isNull();
	}

	@Test // GH-13 (4)
	void theSocketIsReachableByOwnerAndGroupOnly() throws IOException {
		LogSocketServer server = start(LogsProperties.Socket.defaults());
		Path socket = server.listen(AppId.of("victim"));
		assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
		server.close(AppId.of("victim"));
		assertThat(socket).doesNotExist();
	}

	@Test // GH-13 (6)
	void refusesConnectionsBeyondTheLimitPerApp() throws IOException {
		LogSocketServer server = start(
				limits(DataSize.ofMegabytes(1), 4, DataSize.ofMegabytes(64), Duration.ofSeconds(30)));
		Path socket = server.listen(AppId.of("attacker"));
		List<SocketChannel> channels = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			channels.add(connect(socket));
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(server.stats().refusedConnections()).isEqualTo(6);
			assertThat(server.stats().connections()).isEqualTo(4);
		});
		assertThat(closedByServer(channels, Duration.ofSeconds(2))).isEqualTo(6);
		// another app is not affected
		SocketChannel other = connect(server.listen(AppId.of("victim")));
		send(other, batch("victim", RELEASE, "app", 20, "still heard"));
		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("still heard").size() == 1);
	}

	/**
	 * How many of the channels the server closes within the time; the others stayed open
	 * all of it. One window for all of them, not one each.
	 */
	private static int closedByServer(List<SocketChannel> channels, Duration within) throws IOException {
		for (SocketChannel channel : channels) {
			channel.configureBlocking(false);
		}
		Set<SocketChannel> closed = new HashSet<>();
		ByteBuffer buffer = ByteBuffer.allocate(1);
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline && closed.size() < channels.size()) {
			for (SocketChannel channel : channels) {
				if (closed.contains(channel)) {
					continue;
				}
				try {
					buffer.clear();
					if (channel.read(buffer) < 0) {
						closed.add(channel);
					}
				}
				catch (IOException ex) {
					closed.add(channel);
				}
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
		return closed.size();
	}

	@Test // GH-13 (6)
	void dropsALineOverTheLimitWholeCountsItAndSaysSo() throws IOException {
		LogSocketServer server = start(LogsProperties.Socket.defaults());
		SocketChannel channel = connect(server.listen(AppId.of("attacker")));
		char[] huge = new char[3 * 1024 * 1024];
		Arrays.fill(huge, 'x');
		send(channel, batch("attacker", RELEASE, "app", 20, new String(huge)));
		send(channel, batch("attacker", RELEASE, "app", 20, "after the huge one"));

		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("after the huge one").size() == 1);
		assertThat(this.collected).noneMatch((record) -> record.message().startsWith("xxx"));
		LogRecord notice = this.collected.stream()
			.filter((record) -> record.logger().equals("pyapp.logs"))
			.findFirst()
			.orElseThrow();
		assertThat(notice.app()).isEqualTo("attacker");
		assertThat(notice.level()).isEqualTo(LogLevel.WARNING);
		assertThat(notice.message()).contains("was dropped").contains("pyapp.logs.socket.max-line");
		LogSocketStats stats = server.stats();
		assertThat(stats.cutBatches()).isEqualTo(1);
		assertThat(stats.cutBytes()).isGreaterThan(3L * 1024 * 1024);
		assertThat(stats.bufferedBytes()).isZero();
	}

	@Test // GH-13 (6)
	void incompleteLinesOfAllConnectionsStayWithinTheBufferBudget() throws IOException {
		DataSize budget = DataSize.ofMegabytes(2);
		LogSocketServer server = start(limits(DataSize.ofMegabytes(1), 32, budget, Duration.ofSeconds(30)));
		Path socket = server.listen(AppId.of("attacker"));
		char[] chunk = new char[900 * 1024];
		Arrays.fill(chunk, 'y');
		String partial = "{\"records\":[[1,20,\"a\",\"" + new String(chunk);
		for (int i = 0; i < 8; i++) {
			send(connect(socket), partial);
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			LogSocketStats stats = server.stats();
			assertThat(stats.connections()).isEqualTo(8);
			assertThat(stats.bufferedBytes()).isPositive().isLessThanOrEqualTo(budget.toBytes());
		});
		// the lines that found no room are dropped when they end
		for (SocketChannel client : this.clients) {
			send(client, "\"]]}\n");
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(server.stats().cutBatches()).isGreaterThanOrEqualTo(6);
			assertThat(server.stats().bufferedBytes()).isZero();
		});
	}

	@Test // GH-13 (6)
	void dropsALineLeftIncompleteTooLong() throws IOException {
		LogSocketServer server = start(
				limits(DataSize.ofMegabytes(1), 32, DataSize.ofMegabytes(64), Duration.ofSeconds(1)));
		SocketChannel channel = connect(server.listen(AppId.of("attacker")));
		send(channel, "{\"records\":[[1,20,\"a\",\"slow");
		// held first: nothing is buffered before the server has read it, so waiting
		// for zero alone can pass at once, and the rest then completes the line in time
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(server.stats().bufferedBytes()).isPositive());
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.stats().bufferedBytes()).isZero());
		send(channel, "loris\"]]}\n" + batch("attacker", RELEASE, "app", 20, "next"));
		await().atMost(Duration.ofSeconds(30)).until(() -> withMessage("next").size() == 1);
		assertThat(withMessage("slowloris")).isEmpty();
		assertThat(server.stats().cutBatches()).isEqualTo(1);
	}

}
