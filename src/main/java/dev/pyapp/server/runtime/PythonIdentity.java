package dev.pyapp.server.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Which Python runs: the interpreter a release's environment was made with, or the one an
 * app server embeds. Two identities {@link #runs match} when code made for one runs in
 * the other: the same implementation and version down to the micro level, and the same
 * ABI tag. The micro level matters because an environment made by another installation
 * loads that installation's standard library: its compiled modules may need symbols of
 * exactly its own build (pyenv's 3.11.7 {@code _ssl} needs {@code _PyModule_Add}, which
 * Debian's 3.11.2 lacks), so {@code ssl} would fail to import under an embedded 3.11.2.
 *
 * @param implementation {@code sys.implementation.name}, such as {@code cpython}
 * @param version {@code major.minor.micro}, such as {@code 3.11.2}
 * @param abi {@code sysconfig.get_config_var("SOABI")}, such as
 * {@code cpython-311-x86_64-linux-gnu}, or {@code ""} when the interpreter has none
 */
public record PythonIdentity(String implementation, String version, String abi) {

	/** Prints the line {@link #parse} reads; runs on any Python 3 with {@code -I -S}. */
	public static final String PROBE = "import sys, sysconfig; print('PYAPP-PYTHON', sys.implementation.name, "
			+ "'%d.%d.%d' % sys.version_info[:3], sysconfig.get_config_var('SOABI') or '-')";

	/**
	 * An environment whose interpreter is not a link to one of the host's: nothing but a
	 * server that runs any Python runs it.
	 */
	public static final PythonIdentity UNKNOWN = new PythonIdentity("unknown", "0.0.0", "");

	private static final Pattern LINE = Pattern
		.compile("(?m)^PYAPP-PYTHON ([a-z0-9_]{1,40}) ([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}) (\\S{1,120})$");

	public PythonIdentity {
		Assert.hasText(implementation, "'implementation' must have text");
		Assert.hasText(version, "'version' must have text");
	}

	/**
	 * Finds the line {@link #PROBE} printed in a command's output.
	 * @param output everything the command printed
	 * @return the identity, or {@code null} if the output has no such line
	 */
	static @Nullable PythonIdentity parse(String output) {
		Matcher matcher = LINE.matcher(output);
		if (!matcher.find()) {
			return null;
		}
		String abi = matcher.group(3);
		return new PythonIdentity(matcher.group(1), matcher.group(2), abi.equals("-") ? "" : abi);
	}

	/**
	 * Whether an environment made with {@code environment} runs in this interpreter.
	 * @param environment the identity of the environment's interpreter
	 * @return whether it does
	 */
	public boolean runs(PythonIdentity environment) {
		return !UNKNOWN.equals(environment) && this.equals(environment);
	}

	/**
	 * The major and minor version.
	 * @return such as {@code 3.11}
	 */
	public String minor() {
		return this.version.substring(0, this.version.lastIndexOf('.'));
	}

	@Override
	public String toString() {
		if (this == UNKNOWN) {
			return "interpreter (not a link to one of this host's Pythons)";
		}
		return "Python " + this.version + (this.abi.isEmpty() ? "" : " (" + this.abi + ")");
	}

}
