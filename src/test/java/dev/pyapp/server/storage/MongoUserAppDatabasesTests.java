package dev.pyapp.server.storage;

import java.util.List;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import dev.pyapp.server.core.AppId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * On a real MongoDB each app gets a user whose only role is {@code dbOwner} of its own
 * database (GH-13, item 2). No MongoDB runs here: the commands are checked as sent.
 */
class MongoUserAppDatabasesTests {

	@Test // GH-13 (2)
	void createsAUserLimitedToTheAppsDatabaseAndPutsItsCredentialsInTheUrl() {
		MongoClient client = mock(MongoClient.class);
		MongoDatabase database = mock(MongoDatabase.class);
		given(client.getDatabase("pyapp_guest_book_main")).willReturn(database);
		given(database.runCommand(any(Document.class))).willReturn(new Document("ok", 1));
		AppDatabaseSecrets secrets = new AppDatabaseSecrets(new byte[32]);
		MongoUserAppDatabases databases = new MongoUserAppDatabases(client,
				new ConnectionString("mongodb://admin:adminpw@db1:27017,db2:27017/pyapp?replicaSet=rs0&tls=true"),
				secrets);

		String url = databases.mongoUrl(AppId.of("guest-book"), "main");
		databases.mongoUrl(AppId.of("guest-book"), "main");

		ArgumentCaptor<Document> command = ArgumentCaptor.forClass(Document.class);
		verify(database, times(1)).runCommand(command.capture());
		assertThat(command.getValue().getString("createUser")).isEqualTo("guest-book");
		assertThat(command.getValue().get("roles"))
			.isEqualTo(List.of(new Document("role", "dbOwner").append("db", "pyapp_guest_book_main")));
		String password = secrets.password(AppId.of("guest-book"));
		assertThat(url).isEqualTo("mongodb://guest-book:" + password
				+ "@db1:27017,db2:27017/pyapp_guest_book_main?tls=true&replicaSet=rs0");
		assertThat(url).doesNotContain("admin");
		assertThat(password).isNotEqualTo(secrets.password(AppId.of("other")));
	}

}
