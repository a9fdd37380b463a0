package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader thread of the log socket server: a selector over some of the connections
 * (the first loop also accepts new connections on every app's socket and hands them out
 * in turn). Reads never block, and each loop reuses one read buffer, so the threads and
 * their buffers are fixed however many senders connect.
 */
final class LogSocketLoop implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(LogSocketLoop.class);

	private static final int READ_BUFFER = 128 * 1024;

	private static final long SWEEP_NANOS = 1_000_000_000L;

	private final String name;

	private final LogSocketServer server;

	private final LogSocketLoop[] loops;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final byte[] array = new byte[READ_BUFFER];

	private final ByteBuffer buffer = ByteBuffer.wrap(this.array);

	private final Selector selector;

	private volatile boolean running = true;

	private Thread thread;

	private int next;

	LogSocketLoop(String name, LogSocketServer server, LogSocketLoop[] loops) {
		this.name = name;
		this.server = server;
		this.loops = loops;
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot open a selector for the log sockets", ex);
		}
		this.thread = new Thread(this, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Accepts connections on an app's socket from now on. */
	void register(LogSocketServer.Listener listener) {
		submit(() -> listener.channel().register(this.selector, SelectionKey.OP_ACCEPT, listener));
	}

	private void adopt(LogConnection connection) {
		submit(() -> connection.channel().register(this.selector, SelectionKey.OP_READ, connection));
	}

	private void submit(IoTask task) {
		this.tasks.add(() -> {
			try {
				task.run();
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("{}: cannot register a channel: {}", this.name, ex.toString());
			}
		});
		this.selector.wakeup();
	}

	@Override
	public void run() {
		long lastSweep = System.nanoTime();
		try {
			while (this.running) {
				this.selector.select(1000);
				Runnable task;
				while ((task = this.tasks.poll()) != null) {
					task.run();
				}
				for (SelectionKey key : this.selector.selectedKeys()) {
					handle(key);
				}
				this.selector.selectedKeys().clear();
				long now = System.nanoTime();
				if (now - lastSweep >= SWEEP_NANOS) {
					lastSweep = now;
					sweep(now);
				}
			}
		}
		catch (IOException | ClosedSelectorException ex) {
			if (this.running) {
				logger.error("{} stopped: {}", this.name, ex.toString());
			}
		}
		finally {
			closeAll();
		}
	}

	private void handle(SelectionKey key) {
		try {
			if (key.isValid() && key.isAcceptable()) {
				accept((LogSocketServer.Listener) key.attachment());
			}
			else if (key.isValid() && key.isReadable()) {
				read(key, (LogConnection) key.attachment());
			}
		}
		catch (CancelledKeyException ex) {
			// the app's socket was closed meanwhile
		}
		catch (IOException ex) {
			if (key.attachment() instanceof LogConnection connection) {
				close(key, connection);
			}
			else {
				logger.debug("{}: accept failed: {}", this.name, ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			// one sender's batch must never stop the loop that serves the others
			logger.warn("{}: closing a log connection after an error", this.name, ex);
			if (key.attachment() instanceof LogConnection connection) {
				close(key, connection);
			}
		}
	}

	private void accept(LogSocketServer.Listener listener) throws IOException {
		SocketChannel channel;
		while ((channel = listener.accept()) != null) {
			if (!this.server.admit(listener)) {
				channel.close();
				continue;
			}
			channel.configureBlocking(false);
			LogConnection connection = new LogConnection(listener, channel, this.server);
			LogSocketLoop loop = this.loops[Math.floorMod(this.next++, this.loops.length)];
			if (loop == this) {
				channel.register(this.selector, SelectionKey.OP_READ, connection);
			}
			else {
				loop.adopt(connection);
			}
		}
	}

	private void read(SelectionKey key, LogConnection connection) throws IOException {
		this.buffer.clear();
		int read = connection.channel().read(this.buffer);
		if (read < 0) {
			close(key, connection);
			return;
		}
		connection.consume(this.array, read);
	}

	private void sweep(long now) {
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof LogConnection connection) {
				connection.expire(now);
			}
		}
	}

	private void close(SelectionKey key, LogConnection connection) {
		key.cancel();
		try {
			connection.channel().close();
		}
		catch (IOException ex) {
			// the peer is gone either way
		}
		connection.closed();
	}

	private void closeAll() {
		try {
			for (SelectionKey key : this.selector.keys()) {
				if (key.attachment() instanceof LogConnection connection) {
					close(key, connection);
				}
			}
			this.selector.close();
		}
		catch (IOException | ClosedSelectorException ex) {
			// shutting down
		}
	}

	void shutdown() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	private interface IoTask {

		void run() throws IOException;

	}

}
