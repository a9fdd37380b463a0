package dev.pyapp.server.logs.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AtomicFiles;

/**
 * How far each output file was read, by the file's key ({@code <app>/<file name>}, or
 * {@code <app>/stdout} and {@code <app>/stderr} for the files of daemons a server before
 * the per-release files), kept in {@code PYAPP_HOME/run/log-offsets.json} so that nothing
 * is read twice across restarts. The tailer saves them once a round when they changed.
 */
final class OutputOffsets {

	private static final Logger logger = LoggerFactory.getLogger(OutputOffsets.class);

	private final Path file;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Map<String, Position> positions = new HashMap<>();

	/** Whether an offset changed since they were saved. */
	private boolean unsaved;

	OutputOffsets(Path file) {
		this.file = file;
	}

	/** Adds the offsets saved before, if any; an unreadable file is ignored. */
	void load() {
		if (!Files.isRegularFile(this.file)) {
			return;
		}
		try {
			Map<String, Position> saved = this.mapper.readValue(this.file.toFile(),
					new TypeReference<Map<String, Position>>() {
					});
			this.positions.putAll(saved);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring unreadable {}: {}", this.file, ex.getMessage());
		}
	}

	@Nullable Position get(String key) {
		return this.positions.get(key);
	}

	/** Records how far a file was read; see {@link #changed()} for whether to save. */
	void put(String key, Position position) {
		this.positions.put(key, position);
	}

	/** Forgets a file, which is saved. */
	void remove(String key) {
		this.positions.remove(key);
		this.unsaved = true;
	}

	/** Marks the offsets as changed, so that the next save writes them. */
	void changed() {
		this.unsaved = true;
	}

	void saveIfChanged() {
		if (this.unsaved) {
			this.unsaved = false;
			AtomicFiles.write(this.file, this.mapper.writeValueAsString(new LinkedHashMap<>(this.positions)),
					AtomicFiles.OWNER_ONLY);
		}
	}

	/**
	 * How far one output file was read.
	 *
	 * @param fileKey the file's identity (device and inode)
	 * @param offset the bytes read
	 */
	record Position(String fileKey, long offset) {
	}

}
