package dev.pyapp.server.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code requirements.txt} a project may carry beside {@code metadata.yaml} or in
 * {@code src/}, which nothing installs: an app's dependencies are what
 * {@code metadata.yaml} declares (SPEC §1) and, for a pip-installable {@code src/}, what
 * its {@code pyproject.toml} or {@code setup.py} does. A project moved over from another
 * host often has only the file, and its app then fails at its first import; this finds
 * the requirements it names that {@code metadata.yaml} does not, so that
 * {@code pyapp package} and an install can say so.
 */
public final class RequirementsFiles {

	/** Where a project keeps the file, relative to its root. */
	public static final List<String> PLACES = List.of("requirements.txt", "src/requirements.txt");

	/** More than any requirements file; what is beyond it is not looked at. */
	private static final int MAX_BYTES = 256 * 1024;

	private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");

	private RequirementsFiles() {
	}

	/**
	 * The requirements of the project's requirements files whose projects
	 * {@code metadata.yaml} does not declare.
	 * @param root the project's (or a release's) root
	 * @param manifest its {@code metadata.yaml}
	 * @return each such file ({@code requirements.txt} or {@code src/requirements.txt})
	 * with the requirement lines it names, as written; empty when every one is declared
	 * or there is no file
	 */
	public static List<Undeclared> undeclared(Path root, AppManifest manifest) {
		Set<String> declared = manifest.dependencies()
			.stream()
			.map((dependency) -> projectName(dependency.requirement()))
			.collect(Collectors.toSet());
		List<Undeclared> found = new ArrayList<>();
		for (String place : PLACES) {
			Path file = root.resolve(place);
			if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			List<String> missing = requirements(file).stream()
				.filter((requirement) -> !declared.contains(projectName(requirement)))
				.toList();
			if (!missing.isEmpty()) {
				found.add(new Undeclared(place, missing));
			}
		}
		return found;
	}

	/**
	 * The requirement lines of a requirements file: without comments, blank lines and
	 * pip's options ({@code -r}, {@code -e}, {@code --index-url} ...), which name no
	 * project this could check.
	 */
	static List<String> requirements(Path file) {
		byte[] bytes;
		try (InputStream in = Files.newInputStream(file)) {
			bytes = in.readNBytes(MAX_BYTES);
		}
		catch (IOException ex) {
			return List.of();
		}
		List<String> requirements = new ArrayList<>();
		for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
			int comment = line.indexOf(" #");
			String requirement = ((comment >= 0) ? line.substring(0, comment) : line).strip();
			if (requirement.isEmpty() || requirement.startsWith("#") || requirement.startsWith("-")
					|| !NAME.matcher(requirement).find()) {
				continue;
			}
			requirements.add(requirement);
		}
		return requirements;
	}

	/** A project's name as pip compares it (PEP 503: case and runs of {@code -_.}). */
	static String projectName(String requirement) {
		Matcher matcher = NAME.matcher(requirement.strip());
		String name = matcher.find() ? matcher.group(1) : requirement.strip();
		return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
	}

	/**
	 * A requirements file with requirements {@code metadata.yaml} does not declare.
	 *
	 * @param file where it is, relative to the project's root
	 * @param requirements the requirement lines, as written
	 */
	public record Undeclared(String file, List<String> requirements) {

		/** What to tell the user, in one line. */
		public String message() {
			return this.file + " is not read (an app's dependencies are what metadata.yaml declares): declare "
					+ String.join(", ", this.requirements) + " under dependencies: in metadata.yaml";
		}

	}

}
