package dev.pyapp.server.logs;

import org.springframework.stereotype.Component;

/**
 * The counters of the whole capture pipeline ({@code logs.stats}): the collector's and
 * the log sockets'.
 */
@Component
public class LogStatistics {

	private final LogCollector collector;

	private final LogSocketServer sockets;

	LogStatistics(LogCollector collector, LogSocketServer sockets) {
		this.collector = collector;
		this.sockets = sockets;
	}

	/**
	 * The counters since start.
	 * @return the counters
	 */
	public LogStats stats() {
		return this.collector.stats().withSocket(this.sockets.stats());
	}

}
