package dev.pyapp.server.runtime.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;

/**
 * The connections waiting in a daemon's listen queue: opened by a web server and taken by
 * the kernel, not yet accepted by a worker. A replaced daemon is stopped only once none
 * waits: its stop closes the listening socket, which resets them, and the web server
 * answers 502 for each (lighttpd 503 for a whole second). They are there when the old
 * release's workers are all busy in slow requests at the switch. Read with iproute2's
 * {@code ss} on the daemon's node ({@code Recv-Q} of a listening socket is its queue);
 * where {@code ss} is missing the queue is unknown and nothing waits for it.
 */
final class ListenQueue {

	private static final Duration POLL = Duration.ofMillis(50);

	private static final Duration SS_TIMEOUT = Duration.ofSeconds(5);

	private ListenQueue() {
	}

	/**
	 * Waits until no connection waits in the daemon's listen queue, the daemon has ended,
	 * or {@code bound} has passed.
	 * @param shell the daemon's node
	 * @param daemon the daemon
	 * @param bound the longest wait
	 * @param alive whether the daemon still runs
	 * @return the connections still waiting ({@code 0} also when unknown)
	 */
	static int awaitEmpty(NodeShell shell, Daemon daemon, Duration bound, BooleanSupplier alive) {
		long deadline = System.nanoTime() + bound.toNanos();
		Integer waiting = waiting(shell, daemon);
		while (waiting != null && waiting > 0 && alive.getAsBoolean() && System.nanoTime() - deadline < 0) {
			DaemonLauncher.pause(POLL);
			waiting = waiting(shell, daemon);
		}
		return (waiting != null && alive.getAsBoolean()) ? waiting : 0;
	}

	/**
	 * The connections waiting in the daemon's listen queue.
	 * @param shell the daemon's node
	 * @param daemon the daemon
	 * @return how many, or {@code null} when unknown ({@code ss} missing or failing, or
	 * no listening socket found)
	 */
	static @Nullable Integer waiting(NodeShell shell, Daemon daemon) {
		String local = (daemon.socket() != null) ? daemon.socket().toString() : ":" + daemon.port();
		List<String> command = (daemon.socket() != null) ? List.of("ss", "-xlnH", "src", local)
				: List.of("ss", "-tlnH", "sport", "=", local);
		ExecResult result;
		try {
			result = shell.exec(ExecRequest.of(command).withTimeout(SS_TIMEOUT));
		}
		catch (PyappException ex) {
			return null;
		}
		return result.succeeded() ? parse(result.output(), local) : null;
	}

	/**
	 * Adds up the {@code Recv-Q} of the listening sockets in {@code ss -lnH} output whose
	 * local address is, or ends with, {@code local}.
	 * @param output what {@code ss} printed
	 * @param local a socket's path, or {@code :<port>}
	 * @return the connections waiting, or {@code null} if no such socket is listed
	 */
	static @Nullable Integer parse(String output, String local) {
		Integer waiting = null;
		for (String line : output.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			// u_str LISTEN 2 2048 /path inode * 0 | LISTEN 0 1024
			// 127.0.0.1:8000 0.0.0.0:*
			int state = (fields.length > 1 && fields[1].equals("LISTEN")) ? 1 : 0;
			if (fields.length < state + 4 || !fields[state].equals("LISTEN")) {
				continue;
			}
			String address = fields[state + 3];
			boolean matches = address.equals(local) || (local.startsWith(":") && address.endsWith(local));
			String queue = fields[state + 1];
			if (matches && !queue.isEmpty() && queue.length() < 10 && queue.chars().allMatch(Character::isDigit)) {
				waiting = ((waiting != null) ? waiting : 0) + Integer.parseInt(queue);
			}
		}
		return waiting;
	}

}
