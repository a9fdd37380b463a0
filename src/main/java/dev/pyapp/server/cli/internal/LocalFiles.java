package dev.pyapp.server.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.cli.CliUsageException;

/**
 * Checks a file or directory the user named on the command line before a command uses it:
 * a missing or unreadable one is a usage error (exit code 2), reported with the path and
 * what is wrong with it.
 */
public final class LocalFiles {

	private LocalFiles() {
	}

	/**
	 * A file to read.
	 * @param file the file, as resolved against the working directory
	 * @return the file
	 * @throws CliUsageException if it does not exist, is a directory or cannot be read
	 */
	public static Path readableFile(Path file) {
		if (Files.isDirectory(file)) {
			throw new CliUsageException("cannot read " + file + ": it is a directory, not a file");
		}
		if (!Files.exists(file)) {
			throw new CliUsageException("cannot read " + file + ": no such file");
		}
		if (!Files.isReadable(file)) {
			throw new CliUsageException("cannot read " + file + ": permission denied");
		}
		return file;
	}

	/**
	 * A directory to read.
	 * @param directory the directory, as resolved against the working directory
	 * @return the directory
	 * @throws CliUsageException if it does not exist, is a file or cannot be read
	 */
	public static Path readableDirectory(Path directory) {
		if (!Files.exists(directory)) {
			throw new CliUsageException("cannot read " + directory + ": no such directory");
		}
		if (!Files.isDirectory(directory)) {
			throw new CliUsageException("cannot read " + directory + ": it is a file, not a directory");
		}
		if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
			throw new CliUsageException("cannot read " + directory + ": permission denied");
		}
		return directory;
	}

}
