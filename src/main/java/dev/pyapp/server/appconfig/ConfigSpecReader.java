package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.pyapp.server.appconfig.internal.AppConfigProperties;
import dev.pyapp.server.appconfig.internal.RawSpec;
import dev.pyapp.server.appconfig.internal.YamlSpecParser;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Reads {@code configuration.yaml} and {@code configuration.ini} into a
 * {@link ConfigSpec}, resolving every widget against the {@link WidgetLibrary}.
 */
@Component
public class ConfigSpecReader {

	/** The spec file names a release may hold, in order of preference. */
	public static final List<String> FILE_NAMES = List.of("configuration.yaml", "configuration.ini");

	private static final int MAX_LENGTH = 1024 * 1024;

	/** The folder of a package's own widgets. */
	public static final String WIDGETS = "widgets";

	/** The largest widget file read. */
	public static final int MAX_WIDGET_FILE = 64 * 1024;

	private final WidgetLibrary widgets;

	private final FieldChecker checker;

	/**
	 * A reader that knows the standard widgets only.
	 */
	public ConfigSpecReader() {
		this(new WidgetLibrary((Path) null));
	}

	/**
	 * A reader for the given widgets.
	 * @param widgets the widget library
	 */
	public ConfigSpecReader(WidgetLibrary widgets) {
		this(widgets, AppConfigProperties.defaults());
	}

	@Autowired
	ConfigSpecReader(WidgetLibrary widgets, AppConfigProperties properties) {
		this.widgets = widgets;
		this.checker = new FieldChecker(properties.patternTimeout());
	}

	/**
	 * Reads and validates a spec.
	 * @param fileName the file's name in the archive, {@code configuration.yaml} or
	 * {@code configuration.ini} (its extension selects the format, and problems name it)
	 * @param content the file's text
	 * @return the spec
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) listing every
	 * problem, each with its path starting with the file name, such as
	 * {@code configuration.yaml: sections[0].fields[2].widget}
	 */
	public ConfigSpec read(String fileName, String content) {
		return read(fileName, content, Map.of());
	}

	/**
	 * Reads and validates a spec whose package brings widgets of its own (its
	 * {@code widgets/} folder; see {@link WidgetLibrary#withPackageWidgets}).
	 * @param fileName the spec file's name in the archive
	 * @param content the file's text
	 * @param packageWidgets the package's widget files by path ({@code widgets/slug.yaml}
	 * → text, {@code null} when too large to read)
	 * @return the spec
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) listing every
	 * problem of the spec and of the package's widgets
	 */
	public ConfigSpec read(String fileName, String content, Map<String, @Nullable String> packageWidgets) {
		Assert.hasText(fileName, "'fileName' must have text");
		Assert.notNull(content, "'content' must not be null");
		List<Problem> widgetProblems = new ArrayList<>();
		WidgetLibrary library = this.widgets.withPackageWidgets(packageWidgets, widgetProblems);
		List<Problem> problems = new ArrayList<>();
		ConfigSpec spec = null;
		if (content.length() > MAX_LENGTH) {
			problems.add(new Problem("", "is larger than 1 MiB"));
		}
		else if (fileName.endsWith(".yaml") || fileName.endsWith(".yml")) {
			RawSpec raw = YamlSpecParser.parse(fileName, content, problems);
			spec = (raw != null) ? new SpecBuilder(library, this.checker, problems).build(raw) : null;
		}
		else if (fileName.endsWith(".ini")) {
			RawSpec raw = new IniSpecParser(library, problems).parse(content);
			spec = new SpecBuilder(library, this.checker, problems).build(raw);
		}
		else {
			problems.add(new Problem("", "expected configuration.yaml or configuration.ini"));
		}
		if (!problems.isEmpty() || !widgetProblems.isEmpty() || spec == null) {
			List<Problem> all = new ArrayList<>(widgetProblems);
			problems.stream().map((problem) -> inFile(fileName, problem)).forEach(all::add);
			throw PyappException.invalid("invalid configuration spec " + fileName, all);
		}
		return spec;
	}

	/**
	 * The widget files of a package directory ({@code widgets/*.yaml}).
	 * @param directory an extracted release or a directory with the archive layout
	 * @return the files by path ({@code widgets/slug.yaml}), a file larger than 64 KiB as
	 * {@code null}
	 */
	public static Map<String, @Nullable String> packageWidgets(Path directory) {
		Path folder = directory.resolve(WIDGETS);
		if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
			return Map.of();
		}
		Map<String, @Nullable String> files = new TreeMap<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.{yaml,yml}")) {
			for (Path file : stream) {
				if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
					files.put(WIDGETS + "/" + file.getFileName(), (Files.size(file) <= MAX_WIDGET_FILE)
							? Files.readString(file, StandardCharsets.UTF_8) : null);
				}
				if (files.size() > WidgetLibrary.MAX_PACKAGE_WIDGETS) {
					break;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the widgets of " + directory, ex);
		}
		return files;
	}

	/**
	 * Reads the spec of an extracted release (or any directory with the archive layout).
	 * @param releaseDirectory the directory
	 * @return its spec, or {@link ConfigSpec#empty()} if it has no spec file
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) if the spec has
	 * problems, or if both {@code configuration.yaml} and {@code configuration.ini} exist
	 */
	public ConfigSpec read(Path releaseDirectory) {
		Optional<Path> file = specFile(releaseDirectory);
		if (file.isEmpty()) {
			return ConfigSpec.empty();
		}
		try {
			if (Files.size(file.get()) > MAX_LENGTH) {
				throw PyappException.invalid("invalid configuration spec",
						List.of(new Problem(file.get().getFileName().toString(), "is larger than 1 MiB")));
			}
			return read(file.get().getFileName().toString(), Files.readString(file.get(), StandardCharsets.UTF_8),
					packageWidgets(releaseDirectory));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file.get(), ex);
		}
	}

	/**
	 * The spec file of a release directory.
	 * @param releaseDirectory the directory
	 * @return {@code configuration.yaml} or {@code configuration.ini} in it, if one is
	 * there
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) if both are there
	 */
	public Optional<Path> specFile(Path releaseDirectory) {
		List<Path> found = FILE_NAMES.stream()
			.map(releaseDirectory::resolve)
			.filter((file) -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
			.toList();
		if (found.size() > 1) {
			throw PyappException.invalid("invalid configuration spec", List
				.of(new Problem("configuration.ini", "give either configuration.yaml or configuration.ini, not both")));
		}
		return found.stream().findFirst();
	}

	/**
	 * The widget library this reader resolves widgets with.
	 * @return the library
	 */
	public WidgetLibrary widgets() {
		return this.widgets;
	}

	FieldChecker checker() {
		return this.checker;
	}

	private static Problem inFile(String fileName, Problem problem) {
		return new Problem(problem.path().isEmpty() ? fileName : fileName + ": " + problem.path(), problem.message());
	}

}
