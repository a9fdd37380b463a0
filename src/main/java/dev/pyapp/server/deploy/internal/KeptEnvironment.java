package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The operator's environment variables ({@code apps.env.set}) of an app removed with
 * {@code keep_data}: they are configuration the operator gave, like the config file, so
 * they are kept beside it in {@code config/kept-env.json} (0600, the server's; the app's
 * user cannot read it) and given back to the next first install of the app. A removal
 * without {@code keep_data} deletes the whole directory, the file with it.
 */
@Component
class KeptEnvironment {

	/** The file in the app's {@code config/}. */
	static final String FILE = "kept-env.json";

	private static final Logger logger = LoggerFactory.getLogger(KeptEnvironment.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {
	};

	private final PyappHome home;

	private final AppRegistry registry;

	KeptEnvironment(PyappHome home, AppRegistry registry) {
		this.home = home;
		this.registry = registry;
	}

	/**
	 * Writes an app's variables beside its kept configuration (before the app's record is
	 * deleted); an app without variables leaves no file.
	 * @param app the app being removed with {@code keep_data}
	 */
	void keep(AppId app) {
		Map<String, String> env = this.registry.find(app).map(InstalledApp::env).orElse(Map.of());
		Path file = file(app);
		if (env.isEmpty()) {
			delete(file);
			return;
		}
		AtomicFiles.write(file, mapper.writeValueAsString(new TreeMap<>(env)), AtomicFiles.OWNER_ONLY);
	}

	/**
	 * Writes the variables of a first install that failed after {@link #restore} gave
	 * them back, so that they outlive it as they outlived the removal; nothing is written
	 * (and a file not yet restored stays) when the app has none.
	 * @param app the app whose first install failed
	 */
	void keepAgain(AppId app) {
		Map<String, String> env = this.registry.find(app).map(InstalledApp::env).orElse(Map.of());
		if (!env.isEmpty()) {
			AtomicFiles.write(file(app), mapper.writeValueAsString(new TreeMap<>(env)), AtomicFiles.OWNER_ONLY);
		}
	}

	/**
	 * Gives a first install the variables kept by the last removal of the app, unless it
	 * has variables of its own already; the file is deleted either way.
	 * @param app the app being installed
	 * @return the names given back, empty when none
	 */
	List<String> restore(AppId app) {
		Path file = file(app);
		if (!Files.isRegularFile(file)) {
			return List.of();
		}
		Map<String, String> kept;
		try {
			kept = mapper.readValue(Files.readString(file), ENV);
		}
		catch (IOException | JacksonException ex) {
			// left in place for the operator to look at; the install goes on without
			logger.warn("Cannot read the kept environment variables of {} ({}): {}", app, file, ex.getMessage());
			return List.of();
		}
		List<String> names = List.of();
		if (kept != null && !kept.isEmpty() && this.registry.find(app).isPresent()) {
			// under the registry's lock: a variable an operator sets
			// meanwhile stays
			Map<String, String> restored = kept;
			AtomicBoolean given = new AtomicBoolean();
			this.registry.update(app, (installed) -> {
				given.set(installed.env().isEmpty());
				return given.get() ? installed.withEnv(restored, Instant.now()) : installed;
			});
			if (given.get()) {
				names = List.copyOf(new TreeMap<>(restored).keySet());
			}
		}
		delete(file);
		return names;
	}

	private Path file(AppId app) {
		return this.home.app(app).config().resolve(FILE);
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + file, ex);
		}
	}

}
