package dev.pyapp.server.nodes.internal;

import java.io.StringReader;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeInstallerTests {

	private static final Map<String, String> COMPLETE = Map.of("python", "3.11", "venv", "yes", "java", "/usr/bin/java",
			"java.version", "17", "webserver.nginx", "yes", "setsid", "yes");

	@Test
	void findsNothingMissingOnACompleteHost() {
		assertThat(NodeInstaller.missing(COMPLETE, "nginx")).isEmpty();
	}

	@Test
	void namesTheDebianPackagesOfWhatIsMissing() {
		assertThat(NodeInstaller.missing(Map.of("python", "3.11", "java", "/usr/bin/java", "java.version", "11"),
				"apache"))
			.containsExactly("python3-venv", "openjdk-17-jre-headless", "apache2", "util-linux");
		assertThat(NodeInstaller.missing(Map.of(), "lighttpd")).containsExactly("python3", "python3-venv",
				"openjdk-17-jre-headless", "lighttpd", "util-linux");
		assertThat(NodeInstaller.missing(COMPLETE, "lighttpd")).containsExactly("lighttpd");
	}

	@Test
	void writesAgentPropertiesForLoopbackOnly() throws Exception {
		Properties properties = new Properties();
		properties.load(new StringReader(NodeInstaller.agentProperties("/srv/pyapp-agent", 8801, "nginx")));
		assertThat(properties).containsEntry("pyapp.home", "/srv/pyapp-agent")
			.containsEntry("server.port", "8801")
			.containsEntry("server.address", "127.0.0.1")
			.containsEntry("pyapp.api.public", "false")
			.containsEntry("pyapp.agent", "true")
			.containsEntry("pyapp.nodes.agent", "true")
			.containsEntry("pyapp.webserver.managed", "true")
			.containsEntry("pyapp.webserver.kind", "nginx");
	}

	@Test
	void quotesWordsForThePosixShell() {
		assertThat(SshNodeShell.quote("plain")).isEqualTo("'plain'");
		assertThat(SshNodeShell.quote("it's $HOME")).isEqualTo("'it'\\''s $HOME'");
	}

}
