package dev.pyapp.server.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.ConfigSpecReader;
import dev.pyapp.server.appconfig.WidgetLibrary;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;
import dev.pyapp.server.packaging.internal.ArchiveLayout;
import dev.pyapp.server.packaging.internal.ManifestCache;
import dev.pyapp.server.packaging.internal.ManifestParser;
import dev.pyapp.server.packaging.internal.PackageProblems;
import dev.pyapp.server.packaging.internal.PackagingProperties;
import dev.pyapp.server.packaging.internal.ReleaseExtractor;
import dev.pyapp.server.packaging.internal.SourceDirectory;
import dev.pyapp.server.packaging.internal.YamlTree;
import dev.pyapp.server.packaging.internal.ZipArchive;
import dev.pyapp.server.packaging.internal.ZipDirectory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Reads and validates {@code .pyapp} archives and source directories (SPEC §1) and
 * extracts them safely. Reading writes nothing; every problem found is reported at once.
 */
@Component
public class PackageReader {

	private final PackagingProperties properties;

	private final ConfigSpecReader specs;

	private final ManifestCache manifests = new ManifestCache();

	@Autowired
	PackageReader(PackagingProperties properties, ConfigSpecReader specs) {
		this.properties = properties;
		this.specs = specs;
	}

	/**
	 * Creates a reader with the default limits (for code and tests outside Spring).
	 * @param specs reads the configuration spec of a package
	 */
	public PackageReader(ConfigSpecReader specs) {
		this(PackagingProperties.defaults(), specs);
	}

	/**
	 * The limits every source of an app's files obeys.
	 * @return the entry count and size limits
	 */
	public ArchiveLimits limits() {
		return new ArchiveLimits(this.properties.maxEntries(), this.properties.maxUncompressedSize().toBytes());
	}

	/**
	 * Reads and validates an archive, writing nothing. Its content decides, not its
	 * name's extension.
	 * @param archive the {@code .pyapp} or {@code .zip} file
	 * @return the package
	 * @throws PyappException ({@code INVALID}) listing every problem found, each naming
	 * the file, the key path and what was expected; ({@code NOT_FOUND}) if there is no
	 * such file
	 */
	public AppPackage read(Path archive) {
		Assert.notNull(archive, "'archive' must not be null");
		if (!Files.isRegularFile(archive)) {
			throw PyappException.notFound("no archive at " + archive);
		}
		List<Problem> problems = new ArrayList<>();
		Map<String, SmallFile> smallFiles = new HashMap<>();
		ZipArchive.Walked walked = ZipArchive.walk(archive, this.properties, problems, new ZipArchive.Sink() {

			@Override
			public @Nullable OutputStream file(String path, ZipDirectory.Entry entry) {
				boolean widget = ArchiveLayout.isWidget(path);
				if (!path.equals(ArchiveLayout.METADATA) && !ArchiveLayout.CONFIG_SPECS.contains(path) && !widget) {
					return null;
				}
				if (widget && smallFiles.keySet()
					.stream()
					.filter(ArchiveLayout::isWidget)
					.count() > WidgetLibrary.MAX_PACKAGE_WIDGETS) {
					// refused with the spec: too many
					return null;
				}
				SmallFile file = new SmallFile(widget ? ConfigSpecReader.MAX_WIDGET_FILE
						: PackageReader.this.properties.maxYamlSize().toBytes());
				smallFiles.put(path, file);
				return file;
			}

			@Override
			public void directory(String path) {
			}

		}, true);
		if (walked == null) {
			throw PackageProblems.invalid(problems);
		}
		Validated validated = validate(walked.layout(), problems,
				(path) -> smallFiles.containsKey(path) ? smallFiles.get(path).content() : null);
		return new AppPackage(archive, validated.manifest(), validated.spec(), Sha256.of(archive), walked.entries(),
				walked.size());
	}

	/**
	 * Reads and validates a directory with the archive layout (a git checkout), leaving
	 * out {@code .git}.
	 * @param directory the directory
	 * @return the package; its checksum is the SHA-256 of its files' paths and contents
	 * @throws PyappException ({@code INVALID}) listing every problem found;
	 * ({@code NOT_FOUND}) if there is no such directory
	 */
	public AppPackage readDirectory(Path directory) {
		Assert.notNull(directory, "'directory' must not be null");
		Path root = directory.toAbsolutePath().normalize();
		if (!Files.isDirectory(root)) {
			throw PyappException.notFound("no directory at " + directory);
		}
		List<Problem> problems = new ArrayList<>();
		SourceDirectory.Walked walked = SourceDirectory.walk(root, this.properties, problems);
		Validated validated = validate(walked.layout(), problems, (path) -> readSmallFile(root.resolve(path)));
		return new AppPackage(directory, validated.manifest(), validated.spec(),
				SourceDirectory.checksum(root, walked.files()), walked.entries(), walked.size());
	}

	/**
	 * The name and version an archive or directory says it holds, read from its
	 * {@code metadata.yaml} alone, without checking the rest: so that long work can show
	 * which app it is about before the whole package has been read. Never a substitute
	 * for {@link #read}.
	 * @param source a {@code .pyapp} file or a directory with the archive layout
	 * @return the manifest's name and version, or empty if they cannot be read
	 */
	public Optional<AppManifest> peek(Path source) {
		Assert.notNull(source, "'source' must not be null");
		long limit = this.properties.maxYamlSize().toBytes();
		byte[] bytes = null;
		try {
			if (Files.isDirectory(source)) {
				Path file = source.resolve(ArchiveLayout.METADATA);
				bytes = (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) <= limit)
						? Files.readAllBytes(file) : null;
			}
			else if (Files.isRegularFile(source)) {
				try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(source.toFile())) {
					java.util.zip.ZipEntry entry = zip.getEntry(ArchiveLayout.METADATA);
					if (entry != null && !entry.isDirectory()) {
						try (InputStream in = zip.getInputStream(entry)) {
							bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
						}
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not a zip, or unreadable: read() reports what is wrong
			return Optional.empty();
		}
		if (bytes == null || bytes.length > limit) {
			return Optional.empty();
		}
		List<Problem> problems = new ArrayList<>();
		String text = decode(ArchiveLayout.METADATA, bytes, problems);
		return Optional.ofNullable((text != null) ? ManifestParser.parse(text, this.properties, problems) : null)
			.filter((manifest) -> manifest.name() != null && ManifestParser.NAME.matcher(manifest.name()).matches());
	}

	/**
	 * Reads the {@code metadata.yaml} of an extracted release (already validated when it
	 * was installed), once: later calls answer from a cache while the file is unchanged.
	 * @param releaseDirectory the release's directory
	 * @return its manifest
	 * @throws PyappException ({@code INVALID}) if it is missing or invalid
	 */
	public AppManifest readManifest(Path releaseDirectory) {
		Assert.notNull(releaseDirectory, "'releaseDirectory' must not be null");
		Path file = releaseDirectory.toAbsolutePath().normalize().resolve(ArchiveLayout.METADATA);
		BasicFileAttributes attributes = attributes(file);
		if (attributes == null || !attributes.isRegularFile()) {
			throw PackageProblems
				.invalid(List.of(new Problem(ArchiveLayout.METADATA, "missing in " + releaseDirectory)));
		}
		AppManifest cached = this.manifests.get(file, attributes);
		if (cached != null) {
			return cached;
		}
		List<Problem> problems = new ArrayList<>();
		String text = decode(ArchiveLayout.METADATA, readSmallFile(file), problems);
		AppManifest manifest = (text != null) ? ManifestParser.parse(text, this.properties, problems) : null;
		if (manifest == null || !problems.isEmpty()) {
			throw PackageProblems.invalid(problems);
		}
		this.manifests.put(file, attributes, manifest);
		return manifest;
	}

	/**
	 * Extracts a package into {@code target}, which must not exist: through a temporary
	 * directory beside it and an atomic rename, so a failure leaves nothing behind. The
	 * archive is checked again while it is extracted; a directory source is copied
	 * without {@code .git}.
	 * @param pkg a package from {@link #read} or {@link #readDirectory}
	 * @param target the release directory to create (its parent is created if needed)
	 * @throws PyappException ({@code CONFLICT}) if {@code target} exists or the archive
	 * changed since it was read; ({@code INVALID}) if it is no longer valid
	 */
	public void extract(AppPackage pkg, Path target) {
		Assert.notNull(pkg, "'pkg' must not be null");
		Assert.notNull(target, "'target' must not be null");
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			throw PyappException.conflict("cannot extract into " + target + ": it already exists");
		}
		// checked whole again: the file may have changed since it was read
		AppPackage current = Files.isDirectory(pkg.source()) ? readDirectory(pkg.source()) : read(pkg.source());
		if (!current.checksum().equals(pkg.checksum())) {
			throw PyappException.conflict(pkg.source() + " changed since it was read; read it again");
		}
		new ReleaseExtractor(this.properties).extract(pkg, target);
	}

	private record Validated(AppManifest manifest, @Nullable ConfigSpec spec) {
	}

	/**
	 * Checks what the package holds (the layout was walked into {@code layout}) and reads
	 * its metadata and spec.
	 * @param content reads a small file by its normalised path
	 */
	private Validated validate(ArchiveLayout layout, List<Problem> problems, Function<String, byte[]> content) {
		layout.checkRequired();
		AppManifest manifest = null;
		if (layout.isFile(ArchiveLayout.METADATA)) {
			String text = decode(ArchiveLayout.METADATA, content.apply(ArchiveLayout.METADATA), problems);
			manifest = (text != null) ? ManifestParser.parse(text, this.properties, problems) : null;
		}
		if (manifest != null) {
			checkStatics(manifest, layout, problems);
		}
		ConfigSpec spec = null;
		String specFile = layout.configSpec();
		if (specFile != null && !ArchiveLayout.CONFIG_SPECS.stream().allMatch(layout::isFile)) {
			String text = decode(specFile, content.apply(specFile), problems);
			Map<String, @Nullable String> widgets = new TreeMap<>();
			for (String widget : layout.widgets()) {
				byte[] bytes = content.apply(widget);
				widgets.put(widget, (bytes != null && bytes.length <= ConfigSpecReader.MAX_WIDGET_FILE)
						? new String(bytes, StandardCharsets.UTF_8) : null);
			}
			spec = (text != null) ? readSpec(specFile, text, widgets, problems) : null;
		}
		if (manifest == null || !problems.isEmpty()) {
			throw PackageProblems.invalid(problems);
		}
		return new Validated(manifest, spec);
	}

	private static void checkStatics(AppManifest manifest, ArchiveLayout layout, List<Problem> problems) {
		for (int i = 0; i < manifest.statics().size(); i++) {
			String key = ManifestParser.FILE + ": " + YamlTree.item("static", i) + ".path";
			String path = manifest.statics().get(i).path();
			if (manifest.statics().get(i).generated()) {
				// the hooks create it; the deploy checks it exists before the switch
				continue;
			}
			if (problems.stream().noneMatch((problem) -> problem.path().equals(key)) && !layout.exists(path)) {
				problems.add(new Problem(key, "'" + path + "' does not exist in the package; expected a directory "
						+ "(or file) relative to the archive root, or generated: true if the hooks create it"));
			}
		}
	}

	private @Nullable ConfigSpec readSpec(String file, String text, Map<String, @Nullable String> widgets,
			List<Problem> problems) {
		try {
			return this.specs.read(file, text, widgets);
		}
		catch (PyappException ex) {
			if (ex.getKind() != ErrorKind.INVALID) {
				throw ex;
			}
			if (ex.getProblems().isEmpty()) {
				problems.add(new Problem(file, String.valueOf(ex.getMessage())));
			}
			problems.addAll(ex.getProblems());
			return null;
		}
	}

	private @Nullable String decode(String file, byte @Nullable [] bytes, List<Problem> problems) {
		long limit = this.properties.maxYamlSize().toBytes();
		if (bytes == null || bytes.length > limit) {
			problems.add(new Problem(file, "larger than " + limit + " bytes; expected a small text file"));
			return null;
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			problems.add(new Problem(file, "not UTF-8 text"));
			return null;
		}
	}

	private static @Nullable BasicFileAttributes attributes(Path file) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (IOException ex) {
			// no such file, or not readable: reported as missing by the caller
			return null;
		}
	}

	/** Reads a file of at most the YAML size limit; {@code null} if it is larger. */
	private byte @Nullable [] readSmallFile(Path file) {
		try {
			if (Files.size(file) > this.properties.maxYamlSize().toBytes()) {
				return null;
			}
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	/**
	 * Keeps the first bytes of a small file; anything past the limit marks it too large.
	 */
	private static final class SmallFile extends OutputStream {

		private final byte[] bytes;

		private int length;

		private boolean overflowed;

		SmallFile(long limit) {
			this.bytes = new byte[(int) Math.min(limit, Integer.MAX_VALUE - 8)];
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] buffer, int offset, int count) {
			int kept = Math.min(count, this.bytes.length - this.length);
			System.arraycopy(buffer, offset, this.bytes, this.length, kept);
			this.length += kept;
			this.overflowed |= kept < count;
		}

		byte @Nullable [] content() {
			return this.overflowed ? null : Arrays.copyOf(this.bytes, this.length);
		}

	}

}
