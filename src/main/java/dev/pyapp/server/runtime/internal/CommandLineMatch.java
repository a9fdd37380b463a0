package dev.pyapp.server.runtime.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.pyapp.server.runtime.AppServer;

/**
 * Reads a live process's command line back, for {@link AppServer#recognises}.
 */
public final class CommandLineMatch {

	private CommandLineMatch() {
	}

	/**
	 * Finds the value of an option that follows a server's program in a possibly wrapped
	 * command line ({@code bwrap … -- uwsgi --pidfile …}).
	 * @param commandLine the argument vector
	 * @param program whether an argument is the server's program
	 * @param option the option, such as {@code --pid}; {@code --pid VALUE} and
	 * {@code --pid=VALUE} both count
	 * @return the option's value, if the program and the option are there
	 */
	public static Optional<String> optionAfterProgram(List<String> commandLine, Predicate<String> program,
			String option) {
		int start = -1;
		for (int i = 0; i < commandLine.size(); i++) {
			if (program.test(commandLine.get(i))) {
				start = i;
				break;
			}
		}
		if (start < 0) {
			return Optional.empty();
		}
		for (int i = start + 1; i < commandLine.size(); i++) {
			String arg = commandLine.get(i);
			if (arg.equals(option) && i + 1 < commandLine.size()) {
				return Optional.of(commandLine.get(i + 1));
			}
			if (arg.startsWith(option + "=")) {
				return Optional.of(arg.substring(option.length() + 1));
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether a path from a command line names a file directly in a directory.
	 * @param file the path
	 * @param directory the directory
	 * @return whether it is absolute and its parent is the directory (after normalising
	 * {@code ..})
	 */
	public static boolean inDirectory(String file, Path directory) {
		try {
			Path path = Path.of(file).normalize();
			return path.isAbsolute() && directory.toAbsolutePath().normalize().equals(path.getParent());
		}
		catch (InvalidPathException ex) {
			return false;
		}
	}

	/**
	 * The last element of a path, for matching a program by name.
	 * @param arg an argument
	 * @return the part after the last {@code /}
	 */
	public static String baseName(String arg) {
		return arg.substring(arg.lastIndexOf('/') + 1);
	}

}
