package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedPackagesTests {

	@TempDir
	Path dir;

	@Test
	void movesNewDistributionsIn() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		Path staging = staged("one", "markupsafe", "2.1.5");

		shared.merge("alpha", staging);

		assertThat(shared.installed()).containsEntry("markupsafe", "2.1.5");
		assertThat(this.dir.resolve("sp/markupsafe/__init__.py")).exists();
	}

	@Test
	void refusesToReplaceAVersionAnotherAppUses() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));

		assertThatThrownBy(() -> shared.merge("beta", staged("two", "markupsafe", "3.0.2")))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.hasMessageContaining("'beta' needs markupsafe 3.0.2")
			.hasMessageContaining("markupsafe 2.1.5 is installed for alpha");
		assertThat(shared.installed()).containsEntry("markupsafe", "2.1.5");
	}

	@Test
	void letsAnAppReplaceAVersionOnlyItUses() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));

		shared.merge("alpha", staged("two", "markupsafe", "3.0.2"));

		assertThat(shared.installed()).containsEntry("markupsafe", "3.0.2").hasSize(1);
	}

	@Test
	void aForgottenAppNoLongerHoldsAVersion() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));
		shared.forget("alpha");

		shared.merge("beta", staged("two", "markupsafe", "3.0.2"));

		assertThat(shared.installed()).containsEntry("markupsafe", "3.0.2");
	}

	private Path staged(String name, String project, String version) throws IOException {
		Path staging = Files.createDirectories(this.dir.resolve("staging-" + name));
		Path distInfo = Files.createDirectories(staging.resolve(project + "-" + version + ".dist-info"));
		Files.writeString(distInfo.resolve("METADATA"),
				"Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n\nbody\n");
		Files.writeString(distInfo.resolve("RECORD"),
				project + "/__init__.py,,\n" + distInfo.getFileName() + "/METADATA,,\n");
		Files.createDirectories(staging.resolve(project));
		Files.writeString(staging.resolve(project).resolve("__init__.py"), "VERSION = '" + version + "'\n");
		return staging;
	}

}
