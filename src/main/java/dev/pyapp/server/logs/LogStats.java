package dev.pyapp.server.logs;

/**
 * Counters of the capture pipeline since the server started.
 *
 * @param received records handed to the collector
 * @param stored records written to MongoDB
 * @param buffered records waiting in memory
 * @param spilled records waiting in the spill file
 * @param dropped records lost because the memory buffer and the spill file were full
 * @param droppedBySenders records the app processes reported they dropped because their
 * own queue was full
 * @param storeAvailable whether the last write to MongoDB succeeded
 * @param socket the counters of the apps' log sockets
 */
public record LogStats(long received, long stored, long buffered, long spilled, long dropped, long droppedBySenders,
		boolean storeAvailable, LogSocketStats socket) {

	public LogStats(long received, long stored, long buffered, long spilled, long dropped, long droppedBySenders,
			boolean storeAvailable) {
		this(received, stored, buffered, spilled, dropped, droppedBySenders, storeAvailable, LogSocketStats.NONE);
	}

	LogStats withSocket(LogSocketStats socket) {
		return new LogStats(this.received, this.stored, this.buffered, this.spilled, this.dropped,
				this.droppedBySenders, this.storeAvailable, socket);
	}

}
