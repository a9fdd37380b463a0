package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.pyapp.server.appconfig.internal.SafeYaml;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.YamlLoader;
import org.jspecify.annotations.Nullable;

/**
 * The files in an app's {@code config/} directory: {@code config.yaml} or
 * {@code config.ini} (mode 0640, written atomically: {@code config/} is set-group-id to
 * the app's group, so the app's user reads it and nobody else), the version before the
 * last write as {@code config.yaml.previous} (for undo), and {@code .pending-release}
 * naming a release whose spec waits for values before it can go live.
 */
final class ConfigFileStore {

	private static final String PREVIOUS = ".previous";

	/** rw-r-----: the group is the app's (the directory's set-group-id bit). */
	private static final Set<java.nio.file.attribute.PosixFilePermission> APP_READABLE = java.nio.file.attribute.PosixFilePermissions
		.fromString("rw-r-----");

	private static final String PENDING = ".pending-release";

	private ConfigFileStore() {
	}

	/**
	 * Reads the stored values: the file of the spec's format, else one of the other
	 * format (written for an earlier release).
	 * @param configDirectory the app's {@code config/}
	 * @param spec the spec that says which file to prefer
	 * @return the values, nested, as written (not yet coerced); empty if there is no file
	 */
	static Map<String, Map<String, Object>> read(Path configDirectory, ConfigSpec spec) {
		Optional<Path> file = existing(configDirectory, spec);
		if (file.isEmpty()) {
			return Map.of();
		}
		String name = "config/" + file.get().getFileName();
		String content = readString(file.get());
		return file.get().getFileName().toString().endsWith(".ini") ? IniConfigFormat.read(name, content)
				: yaml(name, content);
	}

	/**
	 * Writes the values in the spec's format, keeping the current file as the previous
	 * version.
	 * @param dropOtherFormat whether a file of the other format (from an earlier release)
	 * is kept as its own previous version and removed, so the app finds exactly one
	 * config file; {@code false} while that earlier release is still live
	 */
	static void write(Path configDirectory, ConfigSpec spec, Map<String, ? extends Map<String, ?>> values,
			boolean dropOtherFormat) {
		createDirectory(configDirectory);
		Path file = configDirectory.resolve(spec.configFileName());
		String content = spec.output().equals(ConfigSpec.INI) ? IniConfigFormat.write(spec, values)
				: "# Written by PyApp Server: change it with config.set.\n" + SafeYaml.dump(ordered(spec, values));
		for (String name : AppPaths.CONFIG_FILES) {
			Path existing = configDirectory.resolve(name);
			if (Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)
					&& (dropOtherFormat || existing.equals(file))) {
				AtomicFiles.write(configDirectory.resolve(name + PREVIOUS), readString(existing),
						AtomicFiles.OWNER_ONLY);
				if (!existing.equals(file)) {
					delete(existing);
				}
			}
		}
		AtomicFiles.write(file, content, APP_READABLE);
	}

	/**
	 * Swaps the config file with its previous version.
	 * @return whether there was a previous version
	 */
	static boolean undo(Path configDirectory, ConfigSpec spec) {
		Path file = configDirectory.resolve(spec.configFileName());
		Path previous = configDirectory.resolve(spec.configFileName() + PREVIOUS);
		if (!Files.isRegularFile(previous, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		String restored = readString(previous);
		if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			AtomicFiles.write(previous, readString(file), AtomicFiles.OWNER_ONLY);
		}
		AtomicFiles.write(file, restored, APP_READABLE);
		return true;
	}

	static Optional<String> pendingRelease(Path configDirectory) {
		Path marker = configDirectory.resolve(PENDING);
		if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
			return Optional.empty();
		}
		return Optional.of(readString(marker).strip()).filter((id) -> !id.isEmpty());
	}

	static void setPendingRelease(Path configDirectory, @Nullable String releaseId) {
		if (releaseId == null) {
			delete(configDirectory.resolve(PENDING));
			return;
		}
		createDirectory(configDirectory);
		AtomicFiles.write(configDirectory.resolve(PENDING), releaseId + "\n", AtomicFiles.OWNER_ONLY);
	}

	private static Optional<Path> existing(Path configDirectory, ConfigSpec spec) {
		return Stream.concat(Stream.of(spec.configFileName()), AppPaths.CONFIG_FILES.stream())
			.map(configDirectory::resolve)
			.filter((file) -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
			.findFirst();
	}

	private static Map<String, Map<String, Object>> yaml(String name, String content) {
		Object document;
		try {
			document = SafeYaml.load(name, content);
		}
		catch (YamlLoader.InvalidYamlException ex) {
			throw PyappException.invalid("the config file cannot be read", List.of(new Problem(name, ex.reason())));
		}
		Map<String, Map<String, Object>> values = new LinkedHashMap<>();
		if (document instanceof Map<?, ?> sections) {
			sections.forEach((section, fields) -> {
				if (fields instanceof Map<?, ?> map) {
					Map<String, Object> sectionValues = new LinkedHashMap<>();
					map.forEach((field, value) -> sectionValues.put(String.valueOf(field), value));
					values.put(String.valueOf(section), sectionValues);
				}
			});
		}
		return values;
	}

	private static Map<String, Object> ordered(ConfigSpec spec, Map<String, ? extends Map<String, ?>> values) {
		Map<String, Object> document = new LinkedHashMap<>();
		for (ConfigSpec.Section section : spec.sections()) {
			Map<String, Object> sectionValues = new LinkedHashMap<>();
			Map<String, ?> given = values.get(section.name());
			for (ConfigSpec.Field field : section.fields()) {
				Object value = (given != null) ? given.get(field.name()) : null;
				if (value != null) {
					sectionValues.put(field.name(), value);
				}
			}
			document.put(section.name(), sectionValues);
		}
		return document;
	}

	private static String readString(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	private static void createDirectory(Path directory) {
		try {
			if (!Files.isDirectory(directory)) {
				Files.createDirectories(directory,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + directory, ex);
		}
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
