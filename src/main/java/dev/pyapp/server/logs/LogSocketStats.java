package dev.pyapp.server.logs;

/**
 * Counters of the log sockets since the server started ({@code logs.stats} →
 * {@code socket}).
 *
 * @param sockets apps whose log socket is open
 * @param connections connections open now
 * @param refusedConnections connections closed at once because their app had
 * {@code pyapp.logs.socket.max-connections-per-app} open already
 * @param cutBatches batch lines dropped whole: over {@code max-line}, while the shared
 * buffers were full ({@code max-buffered}), or left incomplete for {@code line-timeout}
 * @param cutBytes the bytes of those lines
 * @param malformedBatches lines that were not a JSON batch
 * @param bufferedBytes bytes held now in incomplete lines
 */
public record LogSocketStats(int sockets, int connections, long refusedConnections, long cutBatches, long cutBytes,
		long malformedBatches, long bufferedBytes) {

	static final LogSocketStats NONE = new LogSocketStats(0, 0, 0, 0, 0, 0, 0);

}
