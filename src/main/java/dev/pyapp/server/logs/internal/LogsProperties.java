package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param cappedSize the size bound of each app's log collection
 * @param appCappedSize per-app size bounds that replace {@code cappedSize}, by app name
 * @param bufferRecords how many records wait in memory when MongoDB is slow or
 * unavailable, before they go to the spill file
 * @param bufferSize how much memory those records may take (estimated from their text),
 * whichever bound is reached first
 * @param spillSize how large the spill file under {@code PYAPP_HOME/run/} may grow;
 * records beyond it are dropped and counted
 * @param batchSize the most records written to MongoDB in one call
 * @param recentRecords how many of the newest records are kept in memory to answer tails
 * @param recentSize how much memory those records may take at most (estimated from their
 * text); older ones are then read from MongoDB
 * @param tailTimeout how long {@code logs.tail} waits for a new record
 * @param tailInterval how often the output files of the apps' daemons
 * ({@code logs/<release>.stdout.log} and {@code .stderr.log}) are read (each app once per
 * interval, a tenth of the apps every tenth of it)
 * @param outputMaxSize how large one of those output files may grow: once it is this
 * large and read to its end it is emptied (the daemon writes on at its new end), and once
 * this much of it is left unread (a process writing faster than it is read) that much is
 * dropped, and a WARNING record says how much
 * @param regexTimeout how long one regular expression search may run
 * @param notifications how notifications are delivered
 * @param socket the bounds of the apps' log sockets
 */
@ConfigurationProperties("pyapp.logs")
public record LogsProperties(@DefaultValue("64MB") DataSize cappedSize, Map<String, DataSize> appCappedSize,
		@DefaultValue("100000") int bufferRecords, @DefaultValue("64MB") DataSize bufferSize,
		@DefaultValue("256MB") DataSize spillSize, @DefaultValue("1000") int batchSize,
		@DefaultValue("20000") int recentRecords, @DefaultValue("32MB") DataSize recentSize,
		@DefaultValue("25s") Duration tailTimeout, @DefaultValue("250ms") Duration tailInterval,
		@DefaultValue("64MB") DataSize outputMaxSize, @DefaultValue("5s") Duration regexTimeout,
		@DefaultValue Notifications notifications, @DefaultValue Socket socket) {

	public LogsProperties {
		appCappedSize = (appCappedSize != null) ? Map.copyOf(appCappedSize) : Map.of();
	}

	/**
	 * The bound of one app's collection.
	 * @param app the app's name
	 * @return the bound in bytes
	 */
	public long capacity(String app) {
		return this.appCappedSize.getOrDefault(app, this.cappedSize).toBytes();
	}

	/**
	 * @param attempts how often a webhook is tried before its delivery counts as failed
	 * @param backoff the wait before the first retry; it doubles with each further one
	 * @param timeout how long one webhook call may take
	 * @param mailFrom the sender address of notification e-mails
	 * @param keepDeliveries how many deliveries {@code notifications.deliveries}
	 * remembers
	 * @param maxRules the most notification rules that may exist (every collected record
	 * is matched against each)
	 * @param maxPending the most notifications waiting to be sent at once (queued or
	 * between retries); further ones are recorded as failed
	 */
	public record Notifications(@DefaultValue("4") int attempts, @DefaultValue("1s") Duration backoff,
			@DefaultValue("10s") Duration timeout, @DefaultValue("pyapp@localhost") String mailFrom,
			@DefaultValue("500") int keepDeliveries, @DefaultValue("100") int maxRules,
			@DefaultValue("1000") int maxPending) {
	}

	/**
	 * @param maxLine the largest batch line a sender may send; a longer one is dropped
	 * whole and a WARNING record with logger {@code pyapp.logs} says how large it was
	 * @param maxConnectionsPerApp connections one app may hold open on its log socket;
	 * further ones are closed at once
	 * @param maxBuffered the memory the incomplete lines of all connections may hold
	 * together; a line that needs more is dropped
	 * @param lineTimeout how long a line may stay incomplete before it is dropped
	 * @param readers the threads that read every log connection (non-blocking)
	 */
	public record Socket(@DefaultValue("1MB") DataSize maxLine, @DefaultValue("32") int maxConnectionsPerApp,
			@DefaultValue("64MB") DataSize maxBuffered, @DefaultValue("30s") Duration lineTimeout,
			@DefaultValue("2") int readers) {

		public static Socket defaults() {
			return new Socket(DataSize.ofMegabytes(1), 32, DataSize.ofMegabytes(64), Duration.ofSeconds(30), 2);
		}

	}

}
