package dev.pyapp.server.nodes.internal;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Test
	void anAgentThatListensButDoesNotAnswerYetIsWaitedForAndAskedAgain() {
		AtomicInteger attempts = new AtomicInteger();
		List<String> retried = new ArrayList<>();
		String answer = NodeInstaller.firstAnswer(() -> {
			if (attempts.incrementAndGet() < 3) {
				throw PyappException.failed("node 'n1' is unreachable: the agent did not answer through the SSH tunnel "
						+ "(it may be stopped or restarting): HTTP/1.1 header parser received no bytes", null);
			}
			return "3.0.0";
		}, Duration.ofSeconds(30), Duration.ofMillis(10), retried::add);

		assertThat(answer).isEqualTo("3.0.0");
		assertThat(attempts).hasValue(3);
		assertThat(retried).hasSize(2).allSatisfy((problem) -> assertThat(problem).contains("received no bytes"));
	}

	@Test
	void aFailureThatIsNotTheAgentsAbsenceEndsTheWaitAtOnce() {
		AtomicInteger attempts = new AtomicInteger();
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> NodeInstaller.firstAnswer(() -> {
			attempts.incrementAndGet();
			throw PyappException.notFound("no node named 'n1'");
		}, Duration.ofSeconds(30), Duration.ofMillis(10), (problem) -> {
		})).withMessage("no node named 'n1'");
		assertThat(attempts).hasValue(1);
	}

	@Test
	void anAgentThatNeverAnswersFailsOnceTheTimeoutIsOver() {
		AtomicInteger attempts = new AtomicInteger();
		long started = System.nanoTime();
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> NodeInstaller.firstAnswer(() -> {
			attempts.incrementAndGet();
			throw PyappException.failed("node 'n1' is unreachable: connection refused", null);
		}, Duration.ofSeconds(1), Duration.ofMillis(100), (problem) -> {
		})).withMessageContaining("connection refused");
		// a second attempt comes unless the first took 900 ms (with 300 ms and 50 ms
		// pauses, a first attempt held up for 250 ms on a busy machine was the only one)
		assertThat(attempts.get()).isBetween(2, 11);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
	}

}
