package dev.pyapp.server.isolation;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The apps' isolation records (user, ids, the operator's caps), read from the store once
 * per app and written through: this module is their only writer, and {@code apps.get}
 * asks for an app's caps on every call.
 */
@Component
class AppIsolationRecords {

	private final AppIsolationRepository repository;

	// an app without a record is kept as empty: most apps have no caps
	private final Map<String, Optional<AppIsolationRecord>> kept = new ConcurrentHashMap<>();

	AppIsolationRecords(AppIsolationRepository repository) {
		this.repository = repository;
	}

	Optional<AppIsolationRecord> findById(String app) {
		Optional<AppIsolationRecord> known = this.kept.get(app);
		if (known != null) {
			return known;
		}
		Optional<AppIsolationRecord> read = this.repository.findById(app);
		// a write meanwhile wins: it is newer than what was read
		Optional<AppIsolationRecord> raced = this.kept.putIfAbsent(app, read);
		return (raced != null) ? raced : read;
	}

	AppIsolationRecord save(AppIsolationRecord record) {
		// dropped first: if the write fails, the next read asks the store
		this.kept.remove(record.app());
		AppIsolationRecord saved = this.repository.save(record);
		this.kept.put(record.app(), Optional.of(record));
		return saved;
	}

	void deleteById(String app) {
		this.kept.remove(app);
		this.repository.deleteById(app);
		this.kept.put(app, Optional.empty());
	}

}
