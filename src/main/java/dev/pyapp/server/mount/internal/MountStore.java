package dev.pyapp.server.mount.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;

/**
 * The {@code staged} and {@code applied} {@link MountState} documents, kept in memory and
 * written through to the repository. It is their only writer, so the listings
 * ({@code apps.list} asks for both on every call) read no document and wait for no apply
 * in progress: reads take no lock. Writes are made under {@link MountManager}'s lock
 * only.
 */
public class MountStore {

	private final MountStateRepository states;

	// the documents as last read or written
	private final Map<String, MountState> kept = new ConcurrentHashMap<>();

	public MountStore(MountStateRepository states) {
		this.states = states;
	}

	/** The staged servers and mounts: what the API changed. */
	public MountState staged() {
		return state(MountState.STAGED);
	}

	/** The applied servers and mounts: what the web server runs. */
	MountState applied() {
		return state(MountState.APPLIED);
	}

	/**
	 * One document, read from the repository on first use.
	 * @param id {@link MountState#STAGED} or {@link MountState#APPLIED}
	 * @return the document, empty if none was ever saved
	 */
	MountState state(String id) {
		MountState known = this.kept.get(id);
		if (known != null) {
			return known;
		}
		MountState read = this.states.findById(id).orElseGet(() -> MountState.empty(id));
		// a write meanwhile wins: it is newer than what was read
		MountState raced = this.kept.putIfAbsent(id, read);
		return (raced != null) ? raced : read;
	}

	/**
	 * Saves a document and keeps it (only under {@link MountManager}'s lock).
	 * @param state the document
	 */
	void save(MountState state) {
		this.kept.remove(state.id());
		this.kept.put(state.id(), this.states.save(state));
	}

	/**
	 * The URLs at which each app is served now, from one read of the applied state.
	 * @return by app name, one absolute URL per applied mount of it; apps without an
	 * applied mount are left out
	 */
	public Map<String, List<String>> urls() {
		MountState applied = applied();
		Map<String, List<String>> urls = new HashMap<>();
		for (Mount mount : applied.mounts()) {
			if (mount.app() == null) {
				continue;
			}
			applied.servers()
				.stream()
				.filter((server) -> server.name().equals(mount.server()))
				.findFirst()
				.ifPresent((server) -> urls.computeIfAbsent(mount.app(), (app) -> new ArrayList<>())
					.add(server.url(mount.path().equals("/") ? "/" : mount.path() + "/")));
		}
		return urls;
	}

}
