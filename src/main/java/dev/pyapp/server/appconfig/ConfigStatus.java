package dev.pyapp.server.appconfig;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Whether an app's configuration lets it run (SPEC §10 {@code apps.get} {@code config}).
 *
 * @param complete whether every required field has a value and every value is valid
 * @param missing the paths ({@code section.field}) of the fields that keep it from
 * running: required without a value, or with a value the spec rejects
 * @param file the file the app reads ({@code PYAPP_CONFIG_FILE})
 * @param saved when that file was last written, or {@code null} if it was never written
 */
public record ConfigStatus(boolean complete, List<String> missing, Path file, @Nullable Instant saved) {

	public ConfigStatus {
		missing = List.copyOf(missing);
	}

}
