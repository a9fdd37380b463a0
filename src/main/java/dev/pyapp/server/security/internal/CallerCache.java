package dev.pyapp.server.security.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyapp.server.security.ApiToken;
import dev.pyapp.server.security.Caller;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The callers of recently presented user tokens, so that an API call with a known token
 * reads neither the token nor its user from the store.
 * <ul>
 * <li>Keyed by the token's SHA-256, never by the token: no secret is kept, and the
 * lookup's timing tells nothing about a token.</li>
 * <li>Bounded: at most {@link #MAX_ENTRIES} (the least recently used go first), each
 * trusted for {@link #TTL} at most, which bounds a change made behind this server's back
 * (another process writing the store).</li>
 * <li>Dropped at once when this server revokes the token or changes its user (role,
 * removal, creation); a lookup that read the store before such a change does not put what
 * it read ({@link #generation}).</li>
 * <li>Unknown tokens are not kept: a new token works at once, and guessing fills
 * nothing.</li>
 * </ul>
 */
@Component
public class CallerCache {

	public static final int MAX_ENTRIES = 1024;

	public static final Duration TTL = Duration.ofSeconds(30);

	private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
			return size() > MAX_ENTRIES;
		}

	};

	/** Counts the invalidations, to refuse what a lookup read before one. */
	private long generation;

	/**
	 * Where invalidations are now: read before a lookup in the store, handed to
	 * {@link #put}.
	 * @return the current generation
	 */
	public synchronized long generation() {
		return this.generation;
	}

	/**
	 * The entry of a token hash, if kept and not older than {@link #TTL}.
	 * @param hash the token's SHA-256
	 * @param now the time now
	 * @return the entry, or {@code null}
	 */
	public synchronized @Nullable Entry get(String hash, Instant now) {
		Entry entry = this.entries.get(hash);
		if (entry != null && !now.isBefore(entry.cached().plus(TTL))) {
			this.entries.remove(hash);
			return null;
		}
		return entry;
	}

	/**
	 * Keeps a token's caller, unless an invalidation came since the lookup began.
	 * @param hash the token's SHA-256
	 * @param entry the token and its caller
	 * @param lookedUp the {@link #generation} before the lookup
	 */
	public synchronized void put(String hash, Entry entry, long lookedUp) {
		if (this.generation == lookedUp) {
			this.entries.put(hash, entry);
		}
	}

	/**
	 * Drops a token (revoked).
	 * @param id the token's id
	 */
	public synchronized void forgetToken(String id) {
		this.generation++;
		this.entries.values().removeIf((entry) -> entry.token().id().equals(id));
	}

	/**
	 * Drops every token of a user (role changed, removed, created anew).
	 * @param user the user's name
	 */
	public synchronized void forgetUser(String user) {
		this.generation++;
		this.entries.values().removeIf((entry) -> entry.token().user().equals(user));
	}

	public synchronized int size() {
		return this.entries.size();
	}

	/**
	 * A kept token.
	 *
	 * @param token the token as stored (its last use, to know when to write it again)
	 * @param caller who calls with it
	 * @param cached when it was read from the store
	 */
	public record Entry(ApiToken token, Caller caller, Instant cached) {
	}

}
