package dev.pyapp.server.nodes.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which jar {@code nodes.install} uploads: one that starts alone on the node.
 */
class ServerJarTests {

	@TempDir
	Path dir;

	@Test
	void theJarTheServerRunsFromWhenItRunsAlone() throws IOException {
		Path executable = jar(this.dir.resolve("pyapp-server.jar"), null);
		assertThat(ServerJar.forAgent(null, executable.toString())).isEqualTo(executable);
	}

	@Test // audit-ops: scripts/run.sh's extracted jar was uploaded; the agent never
			// started
	void theExecutableJarAnExtractedJarCameFrom() throws IOException {
		Path executable = jar(this.dir.resolve("pyapp-server.jar"), null);
		Path extracted = jar(this.dir.resolve("server/pyapp-server.jar"), "lib/spring-boot-4.1.1.jar");
		assertThat(ServerJar.forAgent(null, extracted.toString())).isEqualTo(executable);
	}

	@Test
	void anExtractedJarAloneIsRefusedNamingTheSetting() throws IOException {
		Path extracted = jar(this.dir.resolve("server/pyapp-server.jar"), "lib/spring-boot-4.1.1.jar");
		assertThatThrownBy(() -> ServerJar.forAgent(null, extracted.toString()))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
				assertThat(ex.getMessage()).contains(extracted.toString()).contains("pyapp.nodes.agent-jar");
			});
	}

	@Test
	void aConfiguredJarWins() throws IOException {
		jar(this.dir.resolve("pyapp-server.jar"), null);
		Path configured = jar(this.dir.resolve("elsewhere/agent.jar"), null);
		Path extracted = jar(this.dir.resolve("server/pyapp-server.jar"), "lib/a.jar");
		assertThat(ServerJar.forAgent(configured, extracted.toString())).isEqualTo(configured);
	}

	@Test
	void aServerRunFromClassesIsRefused() {
		assertThatThrownBy(() -> ServerJar.forAgent(null, "target/classes" + java.io.File.pathSeparator + "lib/a.jar"))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getMessage()).contains("set pyapp.nodes.agent-jar"));
	}

	private static Path jar(Path path, @Nullable String classPath) throws IOException {
		Files.createDirectories(path.getParent());
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.pyapp.server.PyappServerApplication");
		if (classPath != null) {
			manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
		}
		try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
			// the manifest is all that matters
		}
		return path;
	}

}
