package dev.pyapp.server.packaging.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.packaging.Packages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A release's manifest is parsed once, not on every web-server render.
 */
class ManifestCacheTests {

	@TempDir
	Path temp;

	private final PackageReader reader = Packages.reader();

	@Test
	void readsAReleaseManifestOnce() throws IOException {
		Path release = release("r1", Packages.MINIMAL);

		AppManifest first = this.reader.readManifest(release);

		assertThat(this.reader.readManifest(release)).isSameAs(first);
		assertThat(this.reader.readManifest(this.temp.resolve("releases/../r1"))).isSameAs(first);
	}

	@Test
	void readsAgainWhenTheFileIsAnotherOne() throws IOException {
		Path release = release("r1", Packages.MINIMAL);
		AppManifest first = this.reader.readManifest(release);
		Path replacement = this.temp.resolve("metadata.yaml.new");
		Files.writeString(replacement, Packages.MINIMAL.replace("version: 0.1.0", "version: 0.2.0"));
		Files.move(replacement, release.resolve("metadata.yaml"), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);

		AppManifest second = this.reader.readManifest(release);

		assertThat(second).isNotSameAs(first);
		assertThat(second.version()).isEqualTo("0.2.0");
	}

	@Test
	void followsTheCurrentLinkToAnotherRelease() throws IOException {
		release("r1", Packages.MINIMAL);
		release("r2", Packages.MINIMAL.replace("version: 0.1.0", "version: 0.2.0"));
		Path current = Files.createSymbolicLink(this.temp.resolve("current"), Path.of("r1"));
		assertThat(this.reader.readManifest(current).version()).isEqualTo("0.1.0");

		Files.delete(current);
		Files.createSymbolicLink(current, Path.of("r2"));

		assertThat(this.reader.readManifest(current).version()).isEqualTo("0.2.0");
	}

	@Test
	void keepsABoundedNumberOfManifests() {
		ManifestCache cache = new ManifestCache();
		AppManifest manifest = this.reader.readManifest(release("r1", Packages.MINIMAL));
		for (int i = 0; i < ManifestCache.MAX_ENTRIES + 10; i++) {
			cache.put(Path.of("/releases/" + i + "/metadata.yaml"), attributes(), manifest);
		}
		assertThat(cache.size()).isEqualTo(ManifestCache.MAX_ENTRIES);
	}

	private Path release(String name, String metadata) {
		try {
			Path release = Files.createDirectories(this.temp.resolve(name));
			Files.writeString(release.resolve("metadata.yaml"), metadata);
			return release;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private BasicFileAttributes attributes() {
		try {
			return Files.readAttributes(this.temp.resolve("r1/metadata.yaml"), BasicFileAttributes.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
