package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.pyapp.server.cli.internal.PostReceiveHook;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hooks create|list|remove|install-git}; the installed post-receive hook is run
 * for real (sh, python3, curl) against the fake server.
 */
class HooksCommandTests extends CliCommandTests {

	private static final String SECRET = "s3cr'et-value";

	@Test
	void createListAndRemoveSendTheirParams() {
		this.server.result("hooks.create",
				"{\"id\": \"h1\", \"url\": \"http://127.0.0.1:8800/hooks/h1\", \"secret\": \"abc\"}");
		this.server.result("hooks.list", "[{\"id\": \"h1\", \"provider\": \"github\", "
				+ "\"url\": \"http://127.0.0.1:8800/hooks/h1\", \"secret\": \"never-shown\"}]");
		this.server.result("hooks.remove", "{}");
		CliRun created = pyapp("hooks", "create", "wiki", "--provider", "github");
		assertThat(created.out()).contains("url:    http://127.0.0.1:8800/hooks/h1").contains("secret: abc");
		assertThat(this.server.params("hooks.create").toString())
			.isEqualTo("{\"name\":\"wiki\",\"provider\":\"github\"}");
		CliRun listed = pyapp("hooks", "list", "wiki");
		assertThat(listed.out()).contains("h1  github    http://127.0.0.1:8800/hooks/h1").doesNotContain("never-shown");
		assertThat(pyapp("hooks", "remove", "h1").out()).isEqualTo("removed webhook h1\n");
		assertThat(this.server.params("hooks.remove").toString()).isEqualTo("{\"id\":\"h1\"}");
		assertThat(pyapp("hooks", "create", "wiki").exitCode()).isEqualTo(2);
	}

	@Test
	void installGitWritesAPrivateHookThatPostsSignedPushes() throws Exception {
		String hookUrl = this.server.url().replace("/rpc", "/hooks/h1");
		this.server.result("hooks.create", "{\"id\": \"h1\", \"url\": \"" + hookUrl + "\", \"secret\": \""
				+ SECRET.replace("'", "\\u0027") + "\"}");
		Path repo = bareRepository("site.git");
		CliRun run = pyapp("hooks", "install-git", "site.git", "wiki");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out() + run.err()).doesNotContain(SECRET).contains("hooks/post-receive").contains(hookUrl);
		assertThat(this.server.params("hooks.create").toString())
			.isEqualTo("{\"name\":\"wiki\",\"provider\":\"generic\"}");
		Path hook = repo.resolve("hooks/post-receive");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hook))).isEqualTo("rwx------");

		String before = "0".repeat(40);
		String after = "1234567890abcdef1234567890abcdef12345678";
		HookRun pushed = push(repo, before + " " + after + " refs/heads/main\n");
		assertThat(pushed.exitCode()).as(pushed.output()).isZero();
		// the pusher sees what the server answered
		assertThat(pushed.output()).isEqualTo("pyapp: PyApp Server: push to refs/heads/main accepted\n");

		FakeApiServer.Request push = this.server.requests()
			.stream()
			.filter((request) -> request.path().equals("/hooks/h1"))
			.findFirst()
			.orElseThrow();
		JsonNode payload = JsonMapper.builder().build().readTree(push.body());
		assertThat(payload.get("ref").asString()).isEqualTo("refs/heads/main");
		assertThat(payload.get("before").asString()).isEqualTo(before);
		assertThat(payload.get("after").asString()).isEqualTo(after);
		assertThat(payload.get("repository").asString()).isEqualTo(repo.toRealPath().toString());
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		assertThat(push.header("X-Pyapp-Signature"))
			.isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(push.body())));
	}

	@Test
	void theHookTellsThePusherWhyTheServerRefusedAPushAndFails() throws Exception {
		String hookUrl = this.server.url().replace("/rpc", "/hooks/h2");
		this.server.result("hooks.create", "{\"id\": \"h2\", \"url\": \"" + hookUrl + "\", \"secret\": \"x\"}");
		this.server.hook(401, "{\"status\": \"unauthorized\", \"message\": \"bad or missing signature\"}");
		Path repo = bareRepository("refused.git");
		assertThat(pyapp("hooks", "install-git", "refused.git", "wiki").exitCode()).isZero();
		HookRun pushed = push(repo, "0".repeat(40) + " " + "1".repeat(40) + " refs/heads/main\n");
		assertThat(pushed.exitCode()).isEqualTo(1);
		assertThat(pushed.output())
			.isEqualTo("pyapp: could not notify PyApp Server of refs/heads/main: HTTP 401: bad or missing signature\n");
	}

	@Test
	void installGitKeepsAForeignHookUnlessForced() throws IOException {
		Path repo = bareRepository("other.git");
		Files.createDirectories(repo.resolve("hooks"));
		Files.writeString(repo.resolve("hooks/post-receive"), "#!/bin/sh\necho mine\n");
		CliRun run = pyapp("hooks", "install-git", "other.git", "wiki");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("was not written by pyapp; use --force");
		assertThat(this.server.requests()).isEmpty();
		this.server.result("hooks.create",
				"{\"id\": \"h2\", \"url\": \"http://127.0.0.1:1/hooks/h2\", \"secret\": \"x\"}");
		assertThat(pyapp("hooks", "install-git", "other.git", "wiki", "--force").exitCode()).isZero();
		assertThat(Files.readString(repo.resolve("hooks/post-receive"))).contains(PostReceiveHook.MARKER);
	}

	@Test
	void installGitRefusesADirectoryThatIsNoRepository() {
		CliRun run = pyapp("hooks", "install-git", ".", "wiki");
		// a directory named on the command line that is not what it must be: usage
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains("is not a git repository");
		assertThat(this.server.requests()).isEmpty();
	}

	/**
	 * Runs the installed hook as git does after a push, with the pushed refs on stdin.
	 */
	private static HookRun push(Path repo, String refs) throws Exception {
		Process process = new ProcessBuilder("sh", repo.resolve("hooks/post-receive").toString())
			.directory(repo.toFile())
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().write(refs.getBytes(StandardCharsets.UTF_8));
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new HookRun(process.exitValue(), output);
	}

	private record HookRun(int exitCode, String output) {
	}

	private Path bareRepository(String name) throws IOException {
		Path repo = Files.createDirectories(this.directory.resolve(name));
		Files.createDirectories(repo.resolve("objects"));
		Files.createDirectories(repo.resolve("refs/heads"));
		Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/main\n");
		return repo;
	}

}
