package dev.pyapp.server.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each app's {@code kind: mongodb} database is reachable by that app only, never the
 * server's database nor another app's (GH-13, item 2). The server's own database is
 * apart: on its own listener, which serves no other process (see
 * {@link EmbeddedMongoAccessIT}).
 */
class AppDatabasesTests {

	private static final AppId A = AppId.of("app-a");

	private static final AppId B = AppId.of("app-b");

	@TempDir
	Path db;

	private EmbeddedAppDatabases databases;

	private final List<MongoClient> clients = new ArrayList<>();

	@BeforeEach
	void start() {
		this.databases = new EmbeddedAppDatabases(this.db, true, 0);
	}

	@AfterEach
	void stop() {
		this.clients.forEach(MongoClient::close);
		this.databases.shutdown();
	}

	private MongoClient client(String url) {
		MongoClient client = MongoClients.create(MongoClientSettings.builder()
			.applyConnectionString(new ConnectionString(url))
			.applyToClusterSettings((cluster) -> cluster.serverSelectionTimeout(5, TimeUnit.SECONDS))
			.build());
		this.clients.add(client);
		return client;
	}

	@Test // GH-13 (2)
	void anAppReachesItsOwnDatabaseAndNothingElse() {
		String urlA = this.databases.mongoUrl(A, "main");
		String urlB = this.databases.mongoUrl(B, "main");
		assertThat(urlA).startsWith("mongodb://app-a:").endsWith("/pyapp_app_a_main").isNotEqualTo(urlB);
		assertThat(new ConnectionString(urlA).getPassword()).hasSize(64);

		MongoClient a = client(urlA);
		MongoClient b = client(urlB);
		a.getDatabase("pyapp_app_a_main").getCollection("notes").insertOne(new Document("text", "a's secret"));
		b.getDatabase("pyapp_app_b_main").getCollection("notes").insertOne(new Document("text", "b's secret"));
		assertThat(a.getDatabase("pyapp_app_a_main").getCollection("notes").find().first()).containsEntry("text",
				"a's secret");

		// whatever database A names, it sees its own store: B's data and the server's are
		// not there
		assertThat(a.listDatabaseNames().into(new ArrayList<>())).containsExactly("pyapp_app_a_main");
		assertThat(a.getDatabase("pyapp_app_b_main").getCollection("notes").countDocuments()).isZero();
		assertThat(a.getDatabase("pyapp").getCollection("users").countDocuments()).isZero();
		assertThat(a.getDatabase("pyapp").getCollection("api_tokens").countDocuments()).isZero();
		assertThat(b.getDatabase("pyapp_app_b_main").getCollection("notes").countDocuments()).isEqualTo(1);
	}

	@Test // GH-13 (2)
	void aConnectionWithoutTheAppsPasswordReadsNothing() {
		String urlA = this.databases.mongoUrl(A, "main");
		client(urlA).getDatabase("pyapp_app_a_main").getCollection("notes").insertOne(new Document("text", "x"));
		ConnectionString a = new ConnectionString(urlA);
		String host = a.getHosts().get(0);

		// no credentials: only the handshake answers
		MongoClient anonymous = client("mongodb://" + host + "/pyapp_app_a_main");
		assertThatExceptionOfType(MongoCommandException.class)
			.isThrownBy(() -> anonymous.getDatabase("pyapp_app_a_main").getCollection("notes").countDocuments())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(13));
		// B's password does not log in as A
		String passwordB = new ConnectionString(this.databases.mongoUrl(B, "main")).getPassword() != null
				? new String(new ConnectionString(this.databases.mongoUrl(B, "main")).getPassword()) : "";
		MongoClient forged = client("mongodb://app-a:" + passwordB + "@" + host + "/pyapp_app_a_main");
		assertThatExceptionOfType(MongoSecurityException.class)
			.isThrownBy(() -> forged.getDatabase("pyapp_app_a_main").getCollection("notes").countDocuments());
	}

	@Test
	void theUrlStaysTheSameAcrossRestartsAndTheDataIsKept() {
		String url = this.databases.mongoUrl(A, "main");
		client(url).getDatabase("pyapp_app_a_main").getCollection("notes").insertOne(new Document("text", "kept"));
		this.clients.forEach(MongoClient::close);
		this.clients.clear();
		this.databases.shutdown();
		this.databases = new EmbeddedAppDatabases(this.db, true, 0);
		assertThat(this.databases.mongoUrl(A, "main")).isEqualTo(url);
		assertThat(client(url).getDatabase("pyapp_app_a_main").getCollection("notes").find().first())
			.containsEntry("text", "kept");
		assertThat(this.db.resolve("apps/app-a.mv.db")).exists();
		this.databases.remove(A, false);
		assertThat(this.db.resolve("apps/app-a.mv.db")).doesNotExist();
	}

}
