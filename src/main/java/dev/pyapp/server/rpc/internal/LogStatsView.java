package dev.pyapp.server.rpc.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.logs.LogSocketStats;
import dev.pyapp.server.logs.LogStats;

/**
 * {@code logs.stats}: the capture pipeline's counters since the server started, named in
 * snake_case as every other result.
 *
 * @param received records handed to the collector
 * @param stored records written to MongoDB
 * @param buffered records waiting in memory
 * @param spilled records waiting in the spill file
 * @param dropped records lost because the memory buffer and the spill file were full
 * @param droppedBySenders records the app processes reported they dropped
 * @param storeAvailable whether the last write to MongoDB succeeded
 * @param socket the apps' log sockets
 */
record LogStatsView(long received, long stored, long buffered, long spilled, long dropped,
		@JsonProperty("dropped_by_senders") long droppedBySenders,
		@JsonProperty("store_available") boolean storeAvailable, SocketView socket) {

	static LogStatsView of(LogStats stats) {
		return new LogStatsView(stats.received(), stats.stored(), stats.buffered(), stats.spilled(), stats.dropped(),
				stats.droppedBySenders(), stats.storeAvailable(), SocketView.of(stats.socket()));
	}

	/**
	 * The apps' log sockets ({@link LogSocketStats}).
	 *
	 * @param sockets apps whose log socket is open
	 * @param connections connections open now
	 * @param refusedConnections connections closed at once (too many for their app)
	 * @param cutBatches batch lines dropped whole
	 * @param cutBytes the bytes of those lines
	 * @param malformedBatches lines that were not a JSON batch
	 * @param bufferedBytes bytes held now in incomplete lines
	 */
	record SocketView(int sockets, int connections, @JsonProperty("refused_connections") long refusedConnections,
			@JsonProperty("cut_batches") long cutBatches, @JsonProperty("cut_bytes") long cutBytes,
			@JsonProperty("malformed_batches") long malformedBatches,
			@JsonProperty("buffered_bytes") long bufferedBytes) {

		static SocketView of(LogSocketStats socket) {
			return new SocketView(socket.sockets(), socket.connections(), socket.refusedConnections(),
					socket.cutBatches(), socket.cutBytes(), socket.malformedBatches(), socket.bufferedBytes());
		}

	}

}
