package dev.pyapp.server.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The git apps' states (strategy settings, the revision available), read from the store
 * once per app and written through: this module is their only writer, and
 * {@code apps.get} asks for an app's available update on every call.
 */
@Component
class GitAppStates {

	private final GitAppStateRepository repository;

	// an app without a state (not installed from git) is kept as empty
	private final Map<String, Optional<GitAppState>> kept = new ConcurrentHashMap<>();

	GitAppStates(GitAppStateRepository repository) {
		this.repository = repository;
	}

	Optional<GitAppState> findById(String app) {
		Optional<GitAppState> known = this.kept.get(app);
		if (known != null) {
			return known;
		}
		Optional<GitAppState> read = this.repository.findById(app);
		// a write meanwhile wins: it is newer than what was read
		Optional<GitAppState> raced = this.kept.putIfAbsent(app, read);
		return (raced != null) ? raced : read;
	}

	/** Every state, from the store. */
	List<GitAppState> findAll() {
		return this.repository.findAll();
	}

	GitAppState save(GitAppState state) {
		// dropped first: if the write fails, the next read asks the store
		this.kept.remove(state.name());
		GitAppState saved = this.repository.save(state);
		this.kept.put(state.name(), Optional.of(state));
		return saved;
	}

	void deleteById(String app) {
		this.kept.remove(app);
		this.repository.deleteById(app);
		this.kept.put(app, Optional.empty());
	}

}
