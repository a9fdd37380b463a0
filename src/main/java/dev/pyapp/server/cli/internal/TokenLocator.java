package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.cli.CliException;
import dev.pyapp.server.core.PyappHome;
import org.jspecify.annotations.Nullable;

/**
 * Finds the API token: {@code --token}, else {@code PYAPP_TOKEN}, else the token file the
 * server writes on its host ({@code $PYAPP_HOME/api-token}; without {@code PYAPP_HOME},
 * {@code ./var/api-token} then {@code /srv/pyapp/api-token}).
 */
public final class TokenLocator {

	static final String TOKEN_FILE = PyappHome.API_TOKEN_FILE;

	private static final Path PACKAGED_HOME = Path.of("/srv/pyapp");

	private TokenLocator() {
	}

	/**
	 * Finds the token.
	 * @param option the {@code --token} value, if given
	 * @param env the environment
	 * @param workingDirectory the directory relative paths are resolved against
	 * @return the token
	 * @throws CliException if there is none, or the token file cannot be read
	 */
	public static String token(@Nullable String option, Map<String, String> env, Path workingDirectory) {
		if (option != null && !option.isBlank()) {
			return option.trim();
		}
		String fromEnv = env.get("PYAPP_TOKEN");
		if (fromEnv != null && !fromEnv.isBlank()) {
			return fromEnv.trim();
		}
		List<Path> candidates = candidates(env, workingDirectory);
		for (Path file : candidates) {
			if (Files.exists(file)) {
				return read(file);
			}
		}
		throw new CliException("no API token: pass --token or set PYAPP_TOKEN, or run this on the server's host "
				+ "as a user who can read its token file (looked for " + String.join(", ", names(candidates))
				+ "; set PYAPP_HOME if the server keeps it elsewhere)");
	}

	private static List<Path> candidates(Map<String, String> env, Path workingDirectory) {
		String home = env.get("PYAPP_HOME");
		if (home != null && !home.isBlank()) {
			return List.of(workingDirectory.resolve(home).resolve(TOKEN_FILE).normalize());
		}
		return List.of(workingDirectory.resolve("var").resolve(TOKEN_FILE).normalize(),
				PACKAGED_HOME.resolve(TOKEN_FILE));
	}

	private static String read(Path file) {
		try {
			String token = Files.readString(file, StandardCharsets.UTF_8).trim();
			if (token.isEmpty()) {
				throw new CliException("the API token file " + file + " is empty");
			}
			return token;
		}
		catch (AccessDeniedException ex) {
			throw new CliException("cannot read the API token file " + file
					+ " (permission denied): run as the server's user, or pass --token or PYAPP_TOKEN");
		}
		catch (IOException ex) {
			throw new CliException("cannot read the API token file " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static List<String> names(List<Path> paths) {
		List<String> names = new ArrayList<>();
		paths.forEach((path) -> names.add(path.toString()));
		return names;
	}

}
