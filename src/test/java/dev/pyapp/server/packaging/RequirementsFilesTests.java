package dev.pyapp.server.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.packaging.internal.ManifestParser;
import dev.pyapp.server.packaging.internal.PackagingProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RequirementsFilesTests {

	@TempDir
	Path root;

	@Test
	void findsTheRequirementsOfEitherFileThatMetadataDoesNotDeclareByTheirProjectName() throws IOException {
		Files.writeString(this.root.resolve("requirements.txt"), """
				# comment
				Django==5.0 ; python_version >= "3.10"
				zope.interface>=6   # PEP 503: zope-interface
				--index-url https://example.org/simple
				-e ./local
				requests[socks]

				""");
		Files.createDirectories(this.root.resolve("src"));
		Files.writeString(this.root.resolve("src/requirements.txt"), "whitenoise\r\ndjango\r\n");

		List<RequirementsFiles.Undeclared> undeclared = RequirementsFiles.undeclared(this.root,
				manifest("django>=5", "Zope_Interface"));

		assertThat(undeclared).containsExactly(
				new RequirementsFiles.Undeclared("requirements.txt", List.of("requests[socks]")),
				new RequirementsFiles.Undeclared("src/requirements.txt", List.of("whitenoise")));
		assertThat(undeclared.get(1).message()).isEqualTo("src/requirements.txt is not read (an app's dependencies "
				+ "are what metadata.yaml declares): declare whitenoise under dependencies: in metadata.yaml");
	}

	@Test
	void saysNothingWithoutAFileOrWhenEveryRequirementIsDeclared() throws IOException {
		assertThat(RequirementsFiles.undeclared(this.root, manifest())).isEmpty();
		Files.writeString(this.root.resolve("requirements.txt"), "Flask\n");
		assertThat(RequirementsFiles.undeclared(this.root, manifest("flask==3.0"))).isEmpty();
	}

	private static AppManifest manifest(String... requirements) {
		StringBuilder yaml = new StringBuilder("format: 1\nname: app\nversion: 1.0\nentry:\n  wsgi: app:application\n");
		if (requirements.length > 0) {
			yaml.append("dependencies:\n");
			for (String requirement : requirements) {
				yaml.append("  - requirement: \"").append(requirement).append("\"\n");
			}
		}
		List<Problem> problems = new ArrayList<>();
		AppManifest manifest = ManifestParser.parse(yaml.toString(), PackagingProperties.defaults(), problems);
		assertThat(problems).isEmpty();
		return manifest;
	}

}
