package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.pyapp.server.appconfig.internal.Props;
import dev.pyapp.server.appconfig.internal.SafeYaml;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.YamlLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The widget library (SPEC §2): the standard widgets shipped on the classpath under
 * {@code widgets/}, plus the operator's site widgets in {@code PYAPP_HOME/widgets/}. The
 * site folder is looked at again on every lookup (names, sizes and modification times),
 * and re-read when it changed, so a widget dropped there works without a restart.
 * <p>
 * A site widget file that has problems is left out (and logged); {@link #problems()}
 * lists why. Site widgets may not reuse a standard widget's name, but may refine one with
 * {@code base}.
 */
@Component
public class WidgetLibrary {

	private static final Logger logger = LoggerFactory.getLogger(WidgetLibrary.class);

	private static final long MAX_FILE_SIZE = 64 * 1024;

	private static volatile @Nullable Map<String, WidgetResolver.RawWidget> standardFiles;

	/** The most widget files a package may bring. */
	public static final int MAX_PACKAGE_WIDGETS = 64;

	private final @Nullable Path siteDirectory;

	private volatile Catalogue catalogue = new Catalogue("\0", Map.of(), List.of(), Map.of());

	/** For the view of one package: the library it extends, else {@code null}. */
	private final @Nullable WidgetLibrary parent;

	/** For the view of one package: its own widgets. */
	private final Map<String, Widget> packageWidgets;

	@Autowired
	public WidgetLibrary(PyappHome home) {
		this(home.widgets());
	}

	/**
	 * A library with the standard widgets and the site widgets of a directory.
	 * @param siteDirectory the directory of site widgets, or {@code null} for the
	 * standard widgets only
	 */
	public WidgetLibrary(@Nullable Path siteDirectory) {
		this.siteDirectory = siteDirectory;
		this.parent = null;
		this.packageWidgets = Map.of();
	}

	private WidgetLibrary(WidgetLibrary parent, Map<String, Widget> packageWidgets) {
		this.siteDirectory = null;
		this.parent = parent;
		this.packageWidgets = Map.copyOf(packageWidgets);
	}

	/**
	 * This library with the widgets a package brings in its {@code widgets/} folder, for
	 * that package's spec only. A package widget is as confined as a site widget, and
	 * more: its name may not be that of a standard or site widget (it never replaces
	 * one), it must refine one ({@code base}) and it may not name a template (it renders
	 * with its base's), so it can only narrow what an existing widget accepts.
	 * @param files the files by name ({@code widgets/slug.yaml} → its text, or
	 * {@code null} when it was too large to read)
	 * @param problems receives every problem, each with its file in the path
	 * @return the library the package's spec is resolved against
	 */
	public WidgetLibrary withPackageWidgets(Map<String, @Nullable String> files, List<Problem> problems) {
		if (files.isEmpty()) {
			return this;
		}
		Catalogue base = current();
		if (files.size() > MAX_PACKAGE_WIDGETS) {
			problems.add(new Problem("widgets", "holds " + files.size() + " files; at most " + MAX_PACKAGE_WIDGETS
					+ " widgets may come with a package"));
			return this;
		}
		Map<String, WidgetResolver.RawWidget> raw = new LinkedHashMap<>(base.raw());
		List<String> names = new ArrayList<>();
		List<Problem> found = new ArrayList<>();
		for (Map.Entry<String, @Nullable String> file : new TreeMap<>(files).entrySet()) {
			String origin = file.getKey();
			String name = stem(Path.of(origin));
			if (!WidgetResolver.NAME.matcher(name).matches()) {
				found.add(new Problem(origin, "a widget name must match " + WidgetResolver.NAME.pattern()));
				continue;
			}
			if (raw.containsKey(name)) {
				found.add(new Problem(origin,
						"'" + name + "' is " + (raw.get(name).site() ? "a site widget" : "a standard widget")
								+ " of the server; a package may not replace it: choose another "
								+ "name (refine it with base: " + name + ")"));
				continue;
			}
			WidgetResolver.RawWidget widget = parse(name, origin, file.getValue(), true, found);
			if (widget == null) {
				continue;
			}
			if (widget.map().get("base") == null) {
				found.add(new Problem(origin + ": base",
						"is required: a package widget refines a widget of the " + "server, such as base: text"));
				continue;
			}
			if (widget.map().containsKey("template")) {
				found.add(new Problem(origin + ": template",
						"a package widget renders with the template of its " + "base; leave template out"));
				continue;
			}
			raw.put(name, widget);
			names.add(name);
		}
		Map<String, Widget> resolved = WidgetResolver.resolve(raw, found);
		Map<String, Widget> own = new LinkedHashMap<>();
		for (String name : names) {
			if (resolved.containsKey(name)) {
				own.put(name, resolved.get(name));
			}
		}
		// the server's own widgets with problems are the site's business, not
		// the package's
		found.stream()
			.filter((problem) -> files.keySet().stream().anyMatch((file) -> problem.path().startsWith(file))
					|| problem.path().equals("widgets"))
			.forEach(problems::add);
		return new WidgetLibrary(this, own);
	}

	/**
	 * Finds a widget by name.
	 * @param name the widget's name
	 * @return the resolved widget, if there is one of that name
	 */
	public Optional<Widget> find(String name) {
		if (this.parent != null) {
			Widget own = this.packageWidgets.get(name);
			return (own != null) ? Optional.of(own) : this.parent.find(name);
		}
		return Optional.ofNullable(current().widgets().get(name));
	}

	/**
	 * Every usable widget, by name.
	 * @return the widgets, sorted by name
	 */
	public List<Widget> widgets() {
		if (this.parent != null) {
			Map<String, Widget> all = new TreeMap<>();
			this.parent.widgets().forEach((widget) -> all.put(widget.name(), widget));
			all.putAll(this.packageWidgets);
			return List.copyOf(all.values());
		}
		return List.copyOf(current().widgets().values());
	}

	/**
	 * Why site widget files were left out.
	 * @return each problem, its path starting with the file
	 * ({@code widgets/slug.yaml: type})
	 */
	public List<Problem> problems() {
		return (this.parent != null) ? this.parent.problems() : current().problems();
	}

	private Catalogue current() {
		if (this.parent != null) {
			return this.parent.current();
		}
		String fingerprint = fingerprint();
		Catalogue known = this.catalogue;
		if (known.fingerprint().equals(fingerprint)) {
			return known;
		}
		synchronized (this) {
			if (!this.catalogue.fingerprint().equals(fingerprint)) {
				this.catalogue = load(fingerprint);
			}
			return this.catalogue;
		}
	}

	private Catalogue load(String fingerprint) {
		Map<String, WidgetResolver.RawWidget> raw = new LinkedHashMap<>(standard());
		List<Problem> problems = new ArrayList<>();
		for (Path file : siteFiles()) {
			String name = stem(file);
			String origin = "widgets/" + file.getFileName();
			if (!WidgetResolver.NAME.matcher(name).matches()) {
				problems.add(new Problem(origin, "a widget name must match " + WidgetResolver.NAME.pattern()));
			}
			else if (raw.containsKey(name)) {
				problems.add(new Problem(origin,
						"'" + name + "' is " + (raw.get(name).site() ? "already a site widget" : "a standard widget")
								+ "; choose another name (refine it with base: " + name + ")"));
			}
			else {
				WidgetResolver.RawWidget widget = parse(name, origin, read(file), true, problems);
				if (widget != null) {
					raw.put(name, widget);
				}
			}
		}
		Map<String, Widget> widgets = WidgetResolver.resolve(raw, problems);
		for (String name : standard().keySet()) {
			if (!widgets.containsKey(name)) {
				throw new IllegalStateException("The standard widget '" + name + "' is broken: " + problems);
			}
		}
		problems.forEach((problem) -> logger.warn("Site widget left out: {}", problem));
		return new Catalogue(fingerprint, Collections.unmodifiableMap(new TreeMap<>(widgets)), List.copyOf(problems),
				Collections.unmodifiableMap(raw));
	}

	private String fingerprint() {
		StringBuilder fingerprint = new StringBuilder();
		for (Path file : siteFiles()) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				fingerprint.append(file.getFileName())
					.append('|')
					.append(attributes.size())
					.append('|')
					.append(attributes.lastModifiedTime().toInstant())
					.append('\n');
			}
			catch (IOException ex) {
				// the file went away while we looked: the next lookup sees the new state
				fingerprint.append(file.getFileName()).append("|gone\n");
			}
		}
		return fingerprint.toString();
	}

	private List<Path> siteFiles() {
		if (this.siteDirectory == null || !Files.isDirectory(this.siteDirectory)) {
			return List.of();
		}
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.siteDirectory, "*.{yaml,yml}")) {
			for (Path file : stream) {
				// a symlink could point anywhere: only regular files of the folder count
				if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
					files.add(file);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list the site widgets in " + this.siteDirectory, ex);
		}
		files.sort(null);
		return files;
	}

	private static @Nullable String read(Path file) {
		try {
			if (Files.size(file) > MAX_FILE_SIZE) {
				return null;
			}
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static Map<String, WidgetResolver.RawWidget> standard() {
		Map<String, WidgetResolver.RawWidget> files = standardFiles;
		if (files == null) {
			files = new LinkedHashMap<>();
			List<Problem> problems = new ArrayList<>();
			try {
				for (Resource resource : new PathMatchingResourcePatternResolver()
					.getResources("classpath*:widgets/*.yaml")) {
					String fileName = String.valueOf(resource.getFilename());
					try (InputStream in = resource.getInputStream()) {
						String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
						WidgetResolver.RawWidget widget = parse(stem(Path.of(fileName)), "widgets/" + fileName, content,
								false, problems);
						if (widget != null) {
							files.put(widget.name(), widget);
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the standard widgets", ex);
			}
			if (!problems.isEmpty() || files.isEmpty()) {
				throw new IllegalStateException("The standard widgets are broken or missing: " + problems);
			}
			standardFiles = files;
		}
		return files;
	}

	private static WidgetResolver.@Nullable RawWidget parse(String name, String origin, @Nullable String content,
			boolean site, List<Problem> problems) {
		if (content == null) {
			problems.add(new Problem(origin, "cannot be read, or is larger than 64 KiB"));
			return null;
		}
		try {
			Object document = SafeYaml.load(origin, content);
			if (document instanceof Map<?, ?> map) {
				return new WidgetResolver.RawWidget(name, Props.stringKeys(map), origin, site);
			}
			problems.add(new Problem(origin, "must be a YAML mapping (name, type, template, validation...)"));
		}
		catch (YamlLoader.InvalidYamlException ex) {
			problems.add(new Problem(origin, ex.reason()));
		}
		return null;
	}

	private static String stem(Path file) {
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return (dot > 0) ? name.substring(0, dot) : name;
	}

	private record Catalogue(String fingerprint, Map<String, Widget> widgets, List<Problem> problems,
			Map<String, WidgetResolver.RawWidget> raw) {
	}

}
