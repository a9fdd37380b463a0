package dev.pyapp.server.logs;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * An in-process mongo-java-server on 127.0.0.1 for tests, which can be stopped and
 * started again on the same port to play an outage.
 */
public final class EmbeddedMongo implements AutoCloseable {

	private MongoServer server;

	private final int port;

	private final MongoClient client;

	public EmbeddedMongo() {
		this.server = new MongoServer(new MemoryBackend());
		this.server.bind("127.0.0.1", 0);
		InetSocketAddress address = this.server.getLocalAddress();
		this.port = address.getPort();
		this.client = MongoClients.create(MongoClientSettings.builder()
			.applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + this.port))
			.applyToClusterSettings((cluster) -> cluster.serverSelectionTimeout(1, TimeUnit.SECONDS))
			.applyToSocketSettings((socket) -> socket.connectTimeout(1, TimeUnit.SECONDS))
			.build());
	}

	public MongoDatabase database() {
		return this.client.getDatabase("pyapp");
	}

	/** Stops the server; its data is gone. */
	public void stop() {
		this.server.shutdownNow();
	}

	/** Starts an empty server on the same port. */
	public void restart() {
		this.server = new MongoServer(new MemoryBackend());
		this.server.bind("127.0.0.1", this.port);
	}

	@Override
	public void close() {
		this.client.close();
		this.server.shutdownNow();
	}

}
