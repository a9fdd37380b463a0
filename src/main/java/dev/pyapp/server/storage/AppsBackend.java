package dev.pyapp.server.storage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.AppId;

/**
 * The MongoDB that apps reach: one port for every app, and behind it one backend of its
 * own per app (its own H2 file), so an app can see nothing of another app's data nor of
 * the server's. A connection must first authenticate with SCRAM-SHA-256 as an app's user;
 * until then only the handshake commands answer. After that every command of the
 * connection goes to that app's backend, whatever database it names.
 */
final class AppsBackend implements MongoBackend {

	private static final Logger logger = LoggerFactory.getLogger(AppsBackend.class);

	private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("pyapp.app-session");

	/** What a connection may do before it authenticated (lower case). */
	private static final Set<String> HANDSHAKE = Set.of("hello", "ismaster", "ping", "buildinfo", "getnonce",
			"endsessions", "saslstart", "saslcontinue", "logout");

	private static final int UNAUTHORIZED = 13;

	private static final int AUTHENTICATION_FAILED = 18;

	private final ScramServer scram = new ScramServer();

	private final MongoBackend handshake;

	private final Function<AppId, MongoBackend> open;

	private final Function<AppId, ScramServer.@Nullable Keys> keys;

	private final Map<AppId, MongoBackend> backends = new ConcurrentHashMap<>();

	/**
	 * @param handshake an empty backend that answers the handshake commands
	 * @param open opens the backend of an app (once)
	 * @param keys the SCRAM keys of an app's user, or {@code null} for no such app
	 */
	AppsBackend(MongoBackend handshake, Function<AppId, MongoBackend> open,
			Function<AppId, ScramServer.@Nullable Keys> keys) {
		this.handshake = handshake;
		this.open = open;
		this.keys = keys;
	}

	private static final class Session {

		volatile ScramServer.@Nullable Conversation conversation;

		volatile @Nullable AppId app;

	}

	private static Session session(Channel channel) {
		Session session = channel.attr(SESSION).get();
		if (session == null) {
			session = new Session();
			Session existing = channel.attr(SESSION).setIfAbsent(session);
			if (existing != null) {
				session = existing;
			}
		}
		return session;
	}

	private @Nullable MongoBackend authenticated(Channel channel) {
		AppId app = session(channel).app;
		return (app != null) ? backend(app) : null;
	}

	private MongoBackend backend(AppId app) {
		return this.backends.computeIfAbsent(app, this.open);
	}

	@Override
	public Document handleCommand(Channel channel, String database, String command, Document query) {
		MongoBackend app = authenticated(channel);
		if (app != null && !isSasl(command)) {
			return app.handleCommand(channel, database, command, query);
		}
		return handshake(channel, database, command, query,
				() -> this.handshake.handleCommand(channel, database, command, query));
	}

	@Override
	public Document handleMessage(MongoMessage message) {
		Channel channel = message.getChannel();
		Document document = message.getDocument();
		String command = document.keySet().isEmpty() ? "" : document.keySet().iterator().next();
		MongoBackend app = authenticated(channel);
		if (app != null && !isSasl(command)) {
			return app.handleMessage(message);
		}
		return handshake(channel, message.getDatabaseName(), command, document,
				() -> this.handshake.handleMessage(message));
	}

	private static boolean isSasl(String command) {
		String name = command.toLowerCase(Locale.ROOT);
		return name.equals("saslstart") || name.equals("saslcontinue");
	}

	private Document handshake(Channel channel, String database, String command, Document query,
			java.util.function.Supplier<Document> answer) {
		String name = command.toLowerCase(Locale.ROOT);
		if (!HANDSHAKE.contains(name)) {
			throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "command " + command + " requires authentication");
		}
		if (name.equals("saslstart")) {
			return saslStart(channel, query);
		}
		if (name.equals("saslcontinue")) {
			return saslContinue(channel, query);
		}
		Document reply = answer.get();
		if ((name.equals("hello") || name.equals("ismaster")) && query.containsKey("saslSupportedMechs")) {
			reply.put("saslSupportedMechs", List.of(ScramServer.MECHANISM));
		}
		return reply;
	}

	private Document saslStart(Channel channel, Document query) {
		if (!ScramServer.MECHANISM.equals(query.get("mechanism"))) {
			throw new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed",
					"only " + ScramServer.MECHANISM + " is supported");
		}
		ScramServer.Conversation conversation = this.scram.start(payload(query), this::keys);
		if (conversation == null) {
			throw authenticationFailed();
		}
		Session session = session(channel);
		session.conversation = conversation;
		session.app = null;
		return reply(false, conversation.serverFirst());
	}

	private Document saslContinue(Channel channel, Document query) {
		Session session = session(channel);
		ScramServer.Conversation conversation = session.conversation;
		if (conversation == null) {
			throw authenticationFailed();
		}
		String clientMessage = payload(query);
		if (clientMessage.isEmpty() && session.app != null) {
			// the empty last step of drivers that do not skip it
			session.conversation = null;
			return reply(true, "");
		}
		String serverFinal = conversation.finish(clientMessage);
		if (serverFinal == null) {
			session.conversation = null;
			logger.warn("An app database login as '{}' from {} failed", conversation.user(), channel.remoteAddress());
			throw authenticationFailed();
		}
		session.app = AppId.of(conversation.user());
		Object options = query.get("options");
		boolean skipEmpty = options instanceof Document document
				&& Boolean.TRUE.equals(document.get("skipEmptyExchange"));
		if (skipEmpty) {
			session.conversation = null;
		}
		return reply(skipEmpty, serverFinal);
	}

	private ScramServer.@Nullable Keys keys(String user) {
		if (!dev.pyapp.server.core.AppId.PATTERN.matcher(user).matches()) {
			return null;
		}
		return this.keys.apply(AppId.of(user));
	}

	private static String payload(Document query) {
		Object payload = query.get("payload");
		if (payload instanceof BinData data) {
			return new String(data.getData(), StandardCharsets.UTF_8);
		}
		if (payload instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (payload instanceof String text) {
			return text;
		}
		return "";
	}

	private static Document reply(boolean done, String payload) {
		Document reply = new Document();
		reply.put("conversationId", 1);
		reply.put("done", done);
		reply.put("payload", new BinData(payload.getBytes(StandardCharsets.UTF_8)));
		reply.put("ok", 1.0);
		return reply;
	}

	private static MongoServerError authenticationFailed() {
		return new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
	}

	@Override
	public QueryResult handleQuery(MongoQuery query) {
		MongoBackend app = authenticated(query.getChannel());
		if (app == null) {
			throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "queries require authentication");
		}
		return app.handleQuery(query);
	}

	@Override
	public void handleClose(Channel channel) {
		MongoBackend app = authenticated(channel);
		if (app != null) {
			app.handleClose(channel);
		}
		this.handshake.handleClose(channel);
	}

	@Override
	public Collection<Document> getCurrentOperations(MongoQuery query) {
		MongoBackend app = authenticated(query.getChannel());
		return (app != null) ? app.getCurrentOperations(query) : List.of();
	}

	@Override
	public Document getServerStatus() {
		return this.handshake.getServerStatus();
	}

	@Override
	public void dropDatabase(String database) {
		throw new UnsupportedOperationException("databases are dropped through an app's own backend");
	}

	/**
	 * Closes and forgets an app's backend (before its file is deleted).
	 * @param app the app
	 */
	void close(AppId app) {
		MongoBackend backend = this.backends.remove(app);
		if (backend != null) {
			backend.close();
		}
	}

	@Override
	public void close() {
		for (AppId app : List.copyOf(this.backends.keySet())) {
			close(app);
		}
		this.handshake.close();
	}

	@Override
	public void closeCursors(List<Long> cursorIds) {
		this.backends.values().forEach((backend) -> backend.closeCursors(cursorIds));
	}

	@Override
	public Clock getClock() {
		return this.handshake.getClock();
	}

	@Override
	public void enableOplog() {
		// apps get no oplog
	}

	@Override
	public void disableOplog() {
		// apps get no oplog
	}

	@Override
	public MongoDatabase resolveDatabase(String database) {
		throw new UnsupportedOperationException("databases are resolved by an app's own backend");
	}

	@Override
	public MongoBackend version(MongoVersion version) {
		this.handshake.version(version);
		return this;
	}

}
