package dev.pyapp.server.storage;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-protocol listener on a loopback port in front of a mongo-java-server
 * backend: the pipeline of mongo-java-server's own {@code MongoServer}, with an admission
 * check that runs on every accepted connection before a byte of it is read. A refused
 * connection is closed at once.
 */
final class LocalMongoServer {

	private static final Logger logger = LoggerFactory.getLogger(LocalMongoServer.class);

	private final String name;

	private final MongoBackend backend;

	private final Predicate<SocketChannel> admission;

	private @Nullable EventLoopGroup boss;

	private @Nullable EventLoopGroup workers;

	private @Nullable ChannelGroup clients;

	private @Nullable Channel channel;

	/**
	 * @param name names the threads and the log lines
	 * @param backend the databases
	 * @param admission whether an accepted connection may be served
	 */
	LocalMongoServer(String name, MongoBackend backend, Predicate<SocketChannel> admission) {
		this.name = name;
		this.backend = backend;
		this.admission = admission;
	}

	/**
	 * Listens on a port of 127.0.0.1.
	 * @param port the port, or 0 for any free one
	 * @return the address listened on
	 */
	InetSocketAddress bind(int port) {
		EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, threads(this.name + "-boss"),
				NioIoHandler.newFactory());
		EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, threads(this.name + "-worker"),
				NioIoHandler.newFactory());
		ChannelGroup clients = new DefaultChannelGroup(this.name, workers.next());
		this.boss = boss;
		this.workers = workers;
		this.clients = clients;
		ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_BACKLOG, 100)
			.localAddress("127.0.0.1", port)
			.childOption(ChannelOption.TCP_NODELAY, Boolean.TRUE)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel client) {
					// runs before the channel is active, so before anything is read
					// from it
					if (!LocalMongoServer.this.admission.test(client)) {
						logger.warn("{}: refused a connection from {}", LocalMongoServer.this.name,
								client.remoteAddress());
						client.close();
						return;
					}
					client.pipeline()
						.addLast(new MongoWireReplyEncoder(), new MongoWireMessageEncoder(),
								new MongoWireProtocolHandler(),
								new MongoDatabaseHandler(LocalMongoServer.this.backend, clients),
								new MongoExceptionHandler());
				}

			});
		try {
			this.channel = bootstrap.bind().syncUninterruptibly().channel();
		}
		catch (RuntimeException ex) {
			shutdown();
			throw ex;
		}
		return address();
	}

	InetSocketAddress address() {
		Channel channel = this.channel;
		if (channel == null) {
			throw new IllegalStateException(this.name + " is not listening");
		}
		return (InetSocketAddress) channel.localAddress();
	}

	/**
	 * Stops listening, closes every client and the backend.
	 */
	void shutdown() {
		if (this.channel != null) {
			this.channel.close().syncUninterruptibly();
			this.channel = null;
		}
		if (this.clients != null) {
			this.clients.close().syncUninterruptibly();
		}
		if (this.workers != null) {
			this.workers.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
		}
		if (this.boss != null) {
			this.boss.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
		}
		this.backend.close();
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
