package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * Folders a folder mount may not serve (SPEC §10 "Web server"): anything inside
 * {@code PYAPP_HOME} or holding it (the API token, the database, apps' configuration),
 * and the system directories. Checked on the folder's real path, so a symbolic link
 * cannot lead around it.
 */
public final class ForbiddenFolders {

	/** These and everything below them; {@code /} itself only. */
	static final List<Path> SYSTEM = List.of(Path.of("/etc"), Path.of("/root"), Path.of("/proc"), Path.of("/sys"),
			Path.of("/boot"), Path.of("/dev"), Path.of("/var/lib"), Path.of("/usr"));

	private final Path home;

	public ForbiddenFolders(Path home) {
		this.home = realPath(home.toAbsolutePath().normalize());
	}

	/**
	 * Refuses a folder that may not be served.
	 * @param field the field to name in the problem
	 * @param folder the folder as given
	 * @throws PyappException ({@code INVALID}) naming the folder
	 */
	void check(String field, String folder) {
		Path real = realPath(Path.of(folder).toAbsolutePath().normalize());
		String reason = reason(real);
		if (reason != null) {
			String shown = real.toString().equals(folder) ? "'" + folder + "'" : "'" + folder + "' (" + real + ")";
			throw PyappException.invalid("forbidden folder " + shown + ": " + reason,
					List.of(new Problem(field, shown + " may not be served: " + reason)));
		}
	}

	private @Nullable String reason(Path real) {
		if (real.getNameCount() == 0) {
			return "it is the root directory";
		}
		if (real.startsWith(this.home)) {
			return "it is inside PYAPP_HOME (" + this.home + ")";
		}
		if (this.home.startsWith(real)) {
			return "it holds PYAPP_HOME (" + this.home + ")";
		}
		for (Path system : SYSTEM) {
			if (real.startsWith(system)) {
				return "it is the system directory " + system + (real.equals(system) ? "" : " or inside it");
			}
		}
		return null;
	}

	private static Path realPath(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			// a folder that does not exist is refused by the allow-list; keep the name
			return path;
		}
	}

}
