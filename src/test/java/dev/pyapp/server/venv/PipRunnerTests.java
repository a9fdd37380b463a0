package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PipRunnerTests {

	@TempDir
	Path deps;

	@Test
	void namesTheProjectsOfWheelsAndSdistsInDeps() throws IOException {
		Files.writeString(this.deps.resolve("Flask_Login-0.6.3-py3-none-any.whl"), "");
		Files.createDirectories(this.deps.resolve("bottle"));
		Files.writeString(this.deps.resolve("bottle/bottle-0.12.25.tar.gz"), "");
		Files.writeString(this.deps.resolve("README.txt"), "");

		assertThat(PipRunner.distributions(this.deps)).containsExactly("bottle", "flask-login");
		assertThat(PipRunner.findLinks(this.deps)).containsExactly("--find-links", this.deps.toString(), "--find-links",
				this.deps.resolve("bottle").toString());
	}

	@Test
	void turnsTheHostsPipSettingsIntoVariablesForAnAppsBuild() {
		String output = String.join("\n", "global.constraint='/etc/xdg/pip/constraints.txt'",
				"global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'",
				"global.find-links='/opt/wheels'", "install.no-binary=':none:'", "user.weird=x", "");

		assertThat(PipRunner.settings(output)).containsEntry("PIP_CONSTRAINT", "/etc/xdg/pip/constraints.txt")
			.containsEntry("PIP_EXTRA_INDEX_URL", "file:///opt/pypi/simple file:///opt/pypi-more/simple")
			.containsEntry("PIP_FIND_LINKS", "/opt/wheels")
			.containsEntry("PIP_NO_BINARY", ":none:")
			.hasSize(4);
	}

	@Test
	void normalisesRequirementNames() {
		assertThat(PipRunner.projectName("Flask_Login>=0.6 ; python_version>'3.8'")).isEqualTo("flask-login");
		assertThat(PipRunner.projectName("zope.interface[test]==6.0")).isEqualTo("zope-interface");
	}

}
