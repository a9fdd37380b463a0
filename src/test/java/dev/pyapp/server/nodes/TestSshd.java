package dev.pyapp.server.nodes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real OpenSSH server on 127.0.0.1 and an ephemeral port, with its own ed25519 host
 * key, one authorized ed25519 client key and everything in one directory, for tests
 * tagged {@code ssh}. It can be stopped (with every connection it serves, as if the host
 * went away) and started again on the same port.
 */
public final class TestSshd implements AutoCloseable {

	private final Path dir;

	private final int port;

	private Process process;

	private TestSshd(Path dir, int port) {
		this.dir = dir;
		this.port = port;
	}

	public static TestSshd start(Path dir) throws Exception {
		Files.createDirectories(Path.of("/run/sshd"));
		run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f",
				dir.resolve("host_ed25519").toString());
		run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f",
				dir.resolve("client_ed25519").toString());
		run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "other-host", "-f",
				dir.resolve("other_ed25519").toString());
		Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		Files.writeString(dir.resolve("sshd_config"),
				String.join("\n", "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_ed25519"),
						"AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PidFile " + dir.resolve("sshd.pid"),
						"StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
						"PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "AllowTcpForwarding local",
						"LogLevel ERROR", "SetEnv " + sessionEnvironment(), ""));
		TestSshd sshd = new TestSshd(dir, port);
		sshd.start();
		return sshd;
	}

	/**
	 * The "remote" host is this machine: its sessions get the environment a login here
	 * has (PATH with its Python installations, pip's local index settings, the
	 * interpreters the test JVMs' servers use), as the operator of a real node would have
	 * set it up.
	 * <p>
	 * {@code SHLVL=1} keeps the user's {@code ~/.bashrc} out of the sessions: sshd runs
	 * every command as {@code $SHELL -c COMMAND} with the login shell of the user (root's
	 * is bash), and Debian's bash (built with {@code SSH_SOURCE_BASHRC}) sources
	 * {@code ~/.bashrc} before it reads the command when {@code SSH_CLIENT} is set, but
	 * only as a top-level shell: with {@code SHLVL} at 1 it counts itself the second
	 * level. So a slow or hanging {@code ~/.bashrc} on this machine (a stale pyenv lock
	 * once hung every session) cannot hang the tests, and the tests do not depend on what
	 * it sets.
	 */
	private static String sessionEnvironment() {
		return "SHLVL=1 " + String.join(" ",
				System.getenv()
					.entrySet()
					.stream()
					.filter((variable) -> variable.getKey().equals("PATH") || variable.getKey().startsWith("PIP_")
							|| variable.getKey().equals("PYAPP_PYTHON_INTERPRETERS"))
					.filter((variable) -> !variable.getValue().contains("\"") && !variable.getValue().contains(" "))
					.map((variable) -> variable.getKey() + "=" + variable.getValue())
					.sorted()
					.toList());
	}

	void start() throws IOException {
		ProcessBuilder builder = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f",
				this.dir.resolve("sshd_config").toString());
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("sshd.log").toFile()));
		this.process = builder.start();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(this::listening);
	}

	/**
	 * Stops the server and every connection it serves.
	 */
	void stop() throws InterruptedException {
		if (this.process == null) {
			return;
		}
		// the connection handlers are the server's children, in sessions of their own
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
		this.process = null;
		await().atMost(Duration.ofSeconds(10)).until(() -> !listening());
	}

	/**
	 * Restarts the server presenting the other host key ({@link #otherFingerprint()}), as
	 * a reinstalled host would; every connection it served ends.
	 */
	void switchHostKey() throws Exception {
		stop();
		Path config = this.dir.resolve("sshd_config");
		Files.writeString(config, Files.readString(config)
			.replace("HostKey " + this.dir.resolve("host_ed25519"), "HostKey " + this.dir.resolve("other_ed25519")));
		start();
	}

	public int port() {
		return this.port;
	}

	/**
	 * Lets a key log in too (a git deploy key).
	 * @param publicKey a line in OpenSSH's format
	 */
	public void authorize(String publicKey) throws IOException {
		Files.writeString(this.dir.resolve("authorized_keys"), publicKey.strip() + "\n", StandardCharsets.US_ASCII,
				java.nio.file.StandardOpenOption.APPEND);
	}

	public String privateKey() throws IOException {
		return Files.readString(this.dir.resolve("client_ed25519"), StandardCharsets.US_ASCII);
	}

	Path privateKeyFile() {
		return this.dir.resolve("client_ed25519");
	}

	public String hostKeyFingerprint() throws Exception {
		return fingerprint("host_ed25519.pub");
	}

	public String otherFingerprint() throws Exception {
		return fingerprint("other_ed25519.pub");
	}

	private String fingerprint(String file) throws Exception {
		String line = run(this.dir, "ssh-keygen", "-l", "-E", "sha256", "-f", this.dir.resolve(file).toString());
		return line.split(" ")[1];
	}

	private boolean listening() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String run(Path dir, String... command) throws Exception {
		Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
		return output;
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
