package dev.pyapp.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.pyapp.server.cli.internal.Packager;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pyapp init DIR --template wsgi|flask|django [--name NAME]}: writes a project
 * that {@code pyapp package} accepts as it is and that deploys as it is: a configuration
 * spec with a secret key, an sqlite database, its hooks (Django's {@code migrate} and
 * {@code collectstatic}, Alembic's upgrade for Flask), static files served by the web
 * server, and, for Django and Flask, host names, trusted origins and cookies that work
 * below a mount path. The templates are in the client's jar ({@code init/<template>/}).
 */
@Command(name = "init", description = { InitCommand.DESCRIPTION,
		"--template wsgi (standard library only), flask (Flask, SQLAlchemy, Alembic) or django." })
class InitCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Write a new project that pyapp package accepts and the server deploys as it is.";

	static final List<String> TEMPLATES = List.of("wsgi", "flask", "django");

	private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");

	@Parameters(paramLabel = "DIR", description = "the directory to create (it must not exist, or be empty)")
	Path directory = Path.of("");

	@Option(names = "--template", required = true, paramLabel = "T", description = "wsgi, flask or django")
	String template = "";

	@Option(names = "--name", paramLabel = "NAME",
			description = "the app's name (default: from DIR), ^[a-z][a-z0-9-]{0,39}$")
	@Nullable String name;

	@Override
	public Integer call() {
		if (!TEMPLATES.contains(this.template)) {
			throw usage("--template must be one of " + String.join(", ", TEMPLATES) + ", not '" + this.template + "'");
		}
		Path target = cli().workingDirectory().resolve(this.directory).normalize();
		String app = (this.name != null) ? this.name : nameOf(target);
		if (!NAME.matcher(app).matches()) {
			throw usage("'" + app + "' is not an app name: a lower-case letter, then lower-case letters, digits or "
					+ "'-' (at most 40); give one with --name");
		}
		if (Files.exists(target) && !isEmptyDirectory(target)) {
			throw new CliUsageException(target + " exists and is not empty; pyapp init writes a new project");
		}
		String pkg = app.replace('-', '_');
		List<String> files = resourceLines("init/" + this.template + "/FILES");
		for (String file : files) {
			String text = resource("init/" + this.template + "/" + file);
			String path = file.replace("__package__", pkg);
			if (path.equals("pyappignore")) {
				path = Packager.IGNORE_FILE;
			}
			Path written = target.resolve(path).normalize();
			if (!written.startsWith(target)) {
				throw new IllegalStateException("template file " + file + " leaves " + target);
			}
			write(written, text.replace("{{name}}", app).replace("{{package}}", pkg));
			if (written.getFileName().toString().equals("manage.py")) {
				makeExecutable(written);
			}
		}
		out().println(
				"wrote a " + this.template + " project for " + app + " in " + target + " (" + files.size() + " files)");
		out().println("next: cd " + cli().workingDirectory().relativize(target) + " && pyapp package && pyapp install "
				+ app + "-0.1.0.pyapp");
		out().flush();
		return 0;
	}

	/** An app name from a directory's name: lower case, other characters as '-'. */
	static String nameOf(Path directory) {
		Path file = directory.getFileName();
		String name = (file != null) ? file.toString().toLowerCase(Locale.ROOT) : "";
		name = name.replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
		return (name.length() > 40) ? name.substring(0, 40) : name;
	}

	private static boolean isEmptyDirectory(Path dir) {
		if (!Files.isDirectory(dir)) {
			return false;
		}
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.findAny().isEmpty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + dir, ex);
		}
	}

	private static List<String> resourceLines(String name) {
		return resource(name).lines().map(String::strip).filter((line) -> !line.isEmpty()).toList();
	}

	private static String resource(String name) {
		try (InputStream in = InitCommand.class.getClassLoader().getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("The client has no template file " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + name, ex);
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	private static void makeExecutable(Path file) {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			// python manage.py works without it
		}
	}

}
