package dev.pyapp.server.nodes.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * The jar a node's agent is started from: one that runs alone with {@code java -jar}.
 * <p>
 * {@code scripts/run.sh} starts the server from Spring Boot's extracted layout
 * ({@code scripts/cds.sh}: {@code DIR/server/pyapp-server.jar} with {@code lib/} beside
 * it, extracted from {@code DIR/pyapp-server.jar}, for class-data sharing). That thin jar
 * names its libraries on its manifest's {@code Class-Path}: uploaded alone, the agent
 * ends at once with {@code NoClassDefFoundError} until the install times out. The
 * executable jar it was extracted from is uploaded instead.
 */
final class ServerJar {

	private ServerJar() {
	}

	/**
	 * The jar to upload to a node.
	 * @param configured {@code pyapp.nodes.agent-jar}, or {@code null}
	 * @param classPath this JVM's {@code java.class.path}
	 * @return an executable jar
	 * @throws PyappException {@code FAILED} if there is none
	 */
	static Path forAgent(@Nullable Path configured, String classPath) {
		Path jar = configured;
		if (jar == null && classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			jar = Path.of(classPath);
		}
		if (jar == null || !Files.isRegularFile(jar)) {
			throw PyappException.failed("no server jar to install on the node: this server does not run from"
					+ " its jar; set pyapp.nodes.agent-jar", null);
		}
		if (runsAlone(jar)) {
			return jar;
		}
		Path parent = jar.toAbsolutePath().getParent();
		Path extractedFrom = (parent != null && parent.getParent() != null)
				? parent.getParent().resolve(jar.getFileName()) : null;
		if (configured == null && extractedFrom != null && Files.isRegularFile(extractedFrom)
				&& runsAlone(extractedFrom)) {
			return extractedFrom;
		}
		throw PyappException.failed("no server jar to install on the node: " + jar
				+ " needs the libraries its manifest names (an extracted jar) and cannot run on a node alone; set"
				+ " pyapp.nodes.agent-jar to the server's executable jar (pyapp-server.jar as built)", null);
	}

	/** An executable jar: its manifest names no {@code Class-Path} outside it. */
	private static boolean runsAlone(Path jar) {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			String classPath = (manifest != null) ? manifest.getMainAttributes().getValue("Class-Path") : null;
			return classPath == null || classPath.isBlank();
		}
		catch (IOException ex) {
			// not a jar at all: the node's java says so when it starts it
			return true;
		}
	}

}
