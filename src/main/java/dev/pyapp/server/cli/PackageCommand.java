package dev.pyapp.server.cli;

import java.nio.file.Path;

import dev.pyapp.server.cli.internal.LocalFiles;
import dev.pyapp.server.cli.internal.Packager;
import dev.pyapp.server.packaging.RequirementsFiles;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pyapp package [DIR] [-o FILE.pyapp] [--wheels]}: builds an archive from a
 * project directory and checks it offline with the server's own rules and messages. No
 * server is needed. The packaging code is loaded by {@link Packager} only, so the other
 * commands start without it.
 */
@Command(name = "package",
		description = { PackageCommand.DESCRIPTION,
				"It checks the archive offline with the server's own rules and leaves out .git, __pycache__,",
				"venvs and what .pyappignore lists." })
class PackageCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Build a .pyapp archive from a project directory (with metadata.yaml).";

	@Parameters(arity = "0..1", paramLabel = "DIR", description = "the project (default: the current directory)")
	@Nullable Path directory;

	@Option(names = { "-o", "--output" }, paramLabel = "FILE.pyapp",
			description = "where to write it (default: NAME-VERSION.pyapp in the current directory)")
	@Nullable Path output;

	@Option(names = "--wheels",
			description = "first fill deps/ with wheels of the dependencies (metadata.yaml, requirements.txt) with "
					+ "pip, for an offline install")
	boolean wheels;

	@Override
	public Integer call() {
		// the packaging code writes no log worth a warning about its absence
		System.setProperty("slf4j.internal.verbosity", "ERROR");
		Path project = cli().workingDirectory().resolve((this.directory != null) ? this.directory : Path.of(""));
		LocalFiles.readableDirectory(project);
		Packager packager = new Packager(project, (line) -> {
			err().println(line);
			err().flush();
		});
		var manifest = packager.manifest();
		if (this.wheels) {
			packager.fetchWheels(Packager.python(cli().env()));
		}
		Path target = cli().workingDirectory()
			.resolve((this.output != null) ? this.output
					: Path.of(manifest.name() + "-" + manifest.version() + ".pyapp"));
		var pkg = packager.write(target);
		for (RequirementsFiles.Undeclared undeclared : RequirementsFiles.undeclared(project, pkg.manifest())) {
			err().println("warning: " + undeclared.message());
		}
		err().flush();
		if (json()) {
			ObjectNode result = cli().codec().objectNode();
			result.put("file", target.normalize().toString());
			result.put("name", pkg.manifest().name());
			result.put("version", pkg.manifest().version());
			result.put("entries", pkg.entries());
			result.put("size", pkg.uncompressedSize());
			result.put("sha256", pkg.checksum());
			out().println(cli().pretty(result));
		}
		else {
			out().println("packaged " + pkg.manifest().name() + " " + pkg.manifest().version() + ": " + pkg.entries()
					+ " files, " + Packager.size(pkg.uncompressedSize()) + " -> " + target.normalize());
		}
		out().flush();
		return 0;
	}

}
