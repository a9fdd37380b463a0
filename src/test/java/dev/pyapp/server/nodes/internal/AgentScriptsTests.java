package dev.pyapp.server.nodes.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's supervisor script ({@link AgentScripts#RUN}), run by {@code sh} with a
 * stand-in for {@code java}.
 */
class AgentScriptsTests {

	@Test
	void theAgentsLogIsItsUsersAloneWhateverTheUmaskOfTheSshSession(@TempDir Path home) throws Exception {
		// as nodes.install leaves the home over an SSH session with umask 022
		Files.createDirectories(home.resolve("logs"));
		Files.setPosixFilePermissions(home.resolve("logs"), PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.writeString(home.resolve("agent-run.sh"), AgentScripts.RUN, StandardCharsets.UTF_8);
		Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\necho started\nexec sleep 60\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
		Process supervisor = new ProcessBuilder("sh", "-c", "umask 022; exec sh \"$0\" \"$@\"",
				home.resolve("agent-run.sh").toString(), java.toString())
			.redirectErrorStream(true)
			.start();
		try {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> Files.exists(home.resolve("agent-java.pid"))
						&& Files.readString(home.resolve("logs/agent.log")).contains("started"));
			assertThat(permissions(home.resolve("logs"))).isEqualTo("rwx------");
			assertThat(permissions(home.resolve("logs/agent.log"))).isEqualTo("rw-------");
			assertThat(permissions(home.resolve("agent.pid"))).isEqualTo("rw-------");
		}
		finally {
			// TERM ends the supervisor and its child, as nodes.install's stop does
			supervisor.destroy();
			if (!supervisor.waitFor(20, TimeUnit.SECONDS)) {
				supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
				supervisor.destroyForcibly();
			}
		}
	}

	@Test
	void theFreePortOfAnAgentJustStoppedIsItsOldOneThoughInTimeWait() throws Exception {
		// found in the node trial: reinstalling an agent failed at step 'port' with
		// "Address already in use", its old port being in TIME_WAIT after the tunnel's
		// calls
		int port;
		try (ServerSocket server = new ServerSocket()) {
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			port = server.getLocalPort();
			try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
					Socket accepted = server.accept()) {
				// the agent's side closes first, as a server does: its port goes to
				// TIME_WAIT
				accepted.close();
				client.getInputStream().read();
			}
		}
		Process free = new ProcessBuilder("sh", "-c", AgentScripts.FREE_PORT, "sh", String.valueOf(port))
			.redirectErrorStream(true)
			.start();
		String output = new String(free.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(free.waitFor(20, TimeUnit.SECONDS)).isTrue();
		assertThat(output.trim()).isEqualTo(String.valueOf(port));
	}

	@Test
	void aPortAnotherProgramListensOnIsNotFree() throws Exception {
		try (ServerSocket server = new ServerSocket()) {
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			Process free = new ProcessBuilder("sh", "-c", AgentScripts.FREE_PORT, "sh",
					String.valueOf(server.getLocalPort()))
				.redirectErrorStream(true)
				.start();
			String output = new String(free.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(free.waitFor()).isNotZero();
			assertThat(output).contains("Address already in use");
		}
	}

	private static String permissions(Path path) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
