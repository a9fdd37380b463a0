package dev.pyapp.server.deploy.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.AppManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Static directories the hooks create: there for the hooks to fill, checked before the
 * switch.
 */
class GeneratedStaticsTests {

	@TempDir
	Path release;

	private final AppManifest manifest = mock(AppManifest.class);

	@Test // GH-15
	void preparesAnEmptyDirectoryAndRefusesTheReleaseUntilTheHooksFillIt() throws Exception {
		given(this.manifest.statics()).willReturn(List.of(new AppManifest.StaticEntry("/css", "css"),
				new AppManifest.StaticEntry("/static", "build/static", true, List.of("staticfiles.json"))));

		GeneratedStatics.prepare(this.manifest, this.release);

		assertThat(this.release.resolve("build/static")).isEmptyDirectory();
		assertThat(this.release.resolve("css")).doesNotExist();
		assertThatThrownBy(() -> GeneratedStatics.check(this.manifest, this.release)).isInstanceOf(PyappException.class)
			.hasMessageContaining("'build/static' (metadata.yaml: static[1], served at /static) is empty");

		Files.writeString(this.release.resolve("build/static/site.css"), "body {}");
		assertThatNoException().isThrownBy(() -> GeneratedStatics.check(this.manifest, this.release));
	}

	@Test
	void namesAMissingDirectory() {
		given(this.manifest.statics())
			.willReturn(List.of(new AppManifest.StaticEntry("/static", "static", true, List.of())));

		assertThatThrownBy(() -> GeneratedStatics.check(this.manifest, this.release))
			.hasMessageContaining("'static' (metadata.yaml: static[0], served at /static) is missing after the hooks");
	}

	@Test // the build made assets -> /etc: the server made assets/ssl there as root,
			// then gave that tree to the app's user for its hooks
	void refusesAGeneratedDirectoryReachedThroughASymlink(@TempDir Path outside) throws Exception {
		given(this.manifest.statics())
			.willReturn(List.of(new AppManifest.StaticEntry("/static", "assets/ssl/static", true, List.of())));
		Files.createSymbolicLink(this.release.resolve("assets"), outside);

		assertThatThrownBy(() -> GeneratedStatics.prepare(this.manifest, this.release))
			.isInstanceOf(PyappException.class)
			.hasMessageContaining("'assets/ssl/static'")
			.hasMessageContaining("reached through assets, which is a symlink");
		assertThat(outside).isEmptyDirectory();

		Files.createDirectories(outside.resolve("ssl/static"));
		Files.writeString(outside.resolve("ssl/static/site.css"), "body {}");
		assertThatThrownBy(() -> GeneratedStatics.check(this.manifest, this.release))
			.isInstanceOf(PyappException.class);
	}

}
