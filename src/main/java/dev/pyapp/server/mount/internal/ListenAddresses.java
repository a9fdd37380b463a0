package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.ListeningSockets;
import org.jspecify.annotations.Nullable;

/**
 * The listen addresses of the managed web server's applied configuration, and who holds
 * them ({@link ListeningSockets}): whether each answers, whether a process of an earlier
 * run (an orphan) or a stranger holds one, and whether a worker of a configuration before
 * a reload still accepts connections.
 */
final class ListenAddresses {

	private final WebServerKind kind;

	private final ListeningSockets sockets;

	private final BooleanSupplier startedWithoutAddresses;

	private volatile List<String> listens = List.of();

	/**
	 * The addresses of one instance.
	 * @param kind the web server
	 * @param sockets who holds which listening socket
	 * @param startedWithoutAddresses whether the instance has started when its
	 * configuration listens nowhere (its pid file exists)
	 */
	ListenAddresses(WebServerKind kind, ListeningSockets sockets, BooleanSupplier startedWithoutAddresses) {
		this.kind = kind;
		this.sockets = sockets;
		this.startedWithoutAddresses = startedWithoutAddresses;
	}

	/**
	 * The addresses of the configuration about to run.
	 * @param listens {@code HOST:PORT} each
	 */
	void set(List<String> listens) {
		this.listens = List.copyOf(listens);
	}

	List<String> all() {
		return this.listens;
	}

	/**
	 * Whether the instance answers: every address accepts a TCP connection now; without
	 * addresses, a process that is still alive has started once it wrote its pid file.
	 * @return whether it answers
	 */
	boolean listening() {
		if (this.listens.isEmpty()) {
			return this.startedWithoutAddresses.getAsBoolean();
		}
		for (String listen : this.listens) {
			String host = listen.substring(0, listen.lastIndexOf(':'));
			host = host.equals("*") ? "127.0.0.1" : host.replace("[", "").replace("]", "");
			int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(host, port), 200);
			}
			catch (IOException ex) {
				return false;
			}
		}
		return true;
	}

	/**
	 * A process that holds one of the addresses and runs our configuration: the managed
	 * instance of an earlier run whose pid file is gone or wrong.
	 * @param isOurs whether a process runs our configuration
	 * @return its master's pid, or {@code null}
	 */
	@Nullable Long findOrphan(LongPredicate isOurs) {
		if (!this.sockets.available()) {
			return null;
		}
		for (String listen : this.listens) {
			Set<Long> holders = this.sockets.holders(listen);
			for (Long holder : holders) {
				// the master, not one of its workers (Apache's carry the same
				// command line)
				boolean root = ProcessHandle.of(holder)
					.flatMap(ProcessHandle::parent)
					.map((parent) -> !holders.contains(parent.pid()))
					.orElse(true);
				if (root && isOurs.test(holder)) {
					return holder;
				}
			}
		}
		return null;
	}

	/**
	 * An address held by a process that is neither the master nor one of its workers: a
	 * stranger, or an instance of our configuration outside the master's tree (an
	 * orphaned instance of an earlier run, or a worker whose master ended). A stranger is
	 * named first: when a new address is taken, Apache's master ends on the reload while
	 * its workers still finish on the old addresses, and the process in the way is the
	 * stranger, not those workers.
	 * @param master the managed instance's master process
	 * @param ours whether a process runs our configuration
	 * @return what holds which address, for people, or {@code null} if none
	 */
	@Nullable String foreignHolder(long master, LongPredicate ours) {
		if (!this.sockets.available()) {
			return null;
		}
		String ofOurs = null;
		for (String listen : this.listens) {
			Set<Long> holders = this.sockets.visibleHolders(listen);
			if (holders == null) {
				return listen + " is held by a process this server cannot see, not by the managed " + this.kind.value()
						+ " (pid " + master + ")";
			}
			for (Long holder : holders) {
				// a worker started since the sockets were read is ours too; a process
				// gone since answers nobody
				if (!ListeningSockets.descendsFrom(holder, master) && ProcessHandle.of(holder).isPresent()) {
					String held = listen + " is held by " + this.sockets.describe(holder) + ", not by the managed "
							+ this.kind.value() + " (pid " + master + "); stop that process";
					if (!ours.test(holder)) {
						return held;
					}
					ofOurs = (ofOurs != null) ? ofOurs : held;
				}
			}
		}
		return ofOurs;
	}

	/**
	 * The pipes a process holds ({@link ListeningSockets#pipes}).
	 * @param pid the process
	 * @return their inodes; empty where {@code /proc} cannot tell
	 */
	Set<String> pipes(long pid) {
		return this.sockets.available() ? this.sockets.pipes(pid) : Set.of();
	}

	/**
	 * A worker of the configuration before a reload that still holds a listening socket.
	 * @param previous the workers of the configuration before the reload
	 * @return what still accepts, for people, or {@code null} if none
	 */
	@Nullable String previousWorkerAccepting(Set<Long> previous) {
		if (!this.sockets.available()) {
			return null;
		}
		Set<String> listening = new HashSet<>();
		this.listens.forEach((listen) -> listening.addAll(this.sockets.inodes(listen)));
		for (Long old : previous) {
			if (ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)
					&& this.sockets.sockets(old).stream().anyMatch(listening::contains)) {
				return "a worker of the previous configuration (pid " + old + ") still accepts connections";
			}
		}
		return null;
	}

}
