package dev.pyapp.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code servers}, {@code mounts}, {@code webserver}, {@code tasks} and {@code nodes}.
 */
class AdminCommandsTests extends CliCommandTests {

	@Test
	void serversListAddAndRemove() {
		this.server.result("servers.list", "[{\"name\": \"main\", \"hostnames\": [\"a.example\", \"b.example\"], "
				+ "\"listen\": \"127.0.0.1:8080\", \"tls\": null}]");
		this.server.result("servers.add", "{}").result("servers.remove", "{}");
		assertThat(pyapp("servers", "list").out().lines().toList()).containsExactly(
				"NAME  HOSTNAMES             LISTEN          TLS", "main  a.example, b.example  127.0.0.1:8080  -");
		CliRun added = pyapp("servers", "add", "main", "--hostname", "a.example", "--hostname", "b.example", "--listen",
				"127.0.0.1:8443", "--tls-cert", "certs/a.pem", "--tls-key", "/etc/k.pem");
		assertThat(added.exitCode()).isZero();
		assertThat(added.out()).contains("pyapp webserver apply");
		assertThat(this.server.params("servers.add").toString()).isEqualTo("{\"name\":\"main\","
				+ "\"hostnames\":[\"a.example\",\"b.example\"],\"listen\":\"127.0.0.1:8443\",\"tls\":{\"cert\":\""
				+ this.directory.resolve("certs/a.pem") + "\",\"key\":\"/etc/k.pem\"}}");
		pyapp("servers", "add", "plain", "--hostname", "c.example", "--listen", "127.0.0.1:80");
		assertThat(this.server.params("servers.add").toString())
			.isEqualTo("{\"name\":\"plain\",\"hostnames\":[\"c.example\"],\"listen\":\"127.0.0.1:80\"}");
		// the name after the options, as a new user writes it
		pyapp("servers", "add", "--listen=127.0.0.1:81", "--hostname=d.example", "late");
		assertThat(this.server.params("servers.add").toString())
			.isEqualTo("{\"name\":\"late\",\"hostnames\":[\"d.example\"],\"listen\":\"127.0.0.1:81\"}");
		assertThat(pyapp("servers", "add", "x", "--hostname", "h", "--listen", "1:2", "--tls-cert", "c").exitCode())
			.isEqualTo(2);
		assertThat(pyapp("servers", "add", "x", "--hostname", "h").exitCode()).isEqualTo(2);
		pyapp("servers", "remove", "main");
		assertThat(this.server.params("servers.remove").toString()).isEqualTo("{\"name\":\"main\"}");
	}

	@Test
	void mountsListAddAndRemove() {
		this.server.result("mounts.list", "[{\"server\": \"main\", \"path\": \"/guestbook\", \"app\": \"guestbook\"}]");
		this.server.result("mounts.add", "{}").result("mounts.remove", "{}");
		assertThat(pyapp("mounts", "list").out().lines().toList()).containsExactly("SERVER  PATH        APP",
				"main    /guestbook  guestbook");
		assertThat(pyapp("mounts", "add", "main", "/guestbook", "guestbook").exitCode()).isZero();
		assertThat(this.server.params("mounts.add").toString())
			.isEqualTo("{\"server\":\"main\",\"path\":\"/guestbook\",\"app\":\"guestbook\"}");
		pyapp("mounts", "remove", "main", "/guestbook");
		assertThat(this.server.params("mounts.remove").toString())
			.isEqualTo("{\"server\":\"main\",\"path\":\"/guestbook\"}");
		// the app, when given, is checked by the server: a wrong one removes nothing
		pyapp("mounts", "remove", "main", "/guestbook", "guestbook");
		assertThat(this.server.params("mounts.remove").toString())
			.isEqualTo("{\"server\":\"main\",\"path\":\"/guestbook\",\"app\":\"guestbook\"}");
		pyapp("mounts", "add", "main", "/files", "--folder", "public");
		assertThat(this.server.params("mounts.add").toString()).isEqualTo(
				"{\"server\":\"main\",\"path\":\"/files\",\"folder\":\"" + this.directory.resolve("public") + "\"}");
		assertThat(pyapp("mounts", "add", "main", "/x").exitCode()).isEqualTo(2);
	}

	@Test
	void webserverRenderPrintsTheConfigurationAndApplyReportsFailures() {
		this.server.result("webserver.render", "\"server {\\n  listen 127.0.0.1:8080;\\n}\"");
		CliRun rendered = pyapp("webserver", "render", "--kind", "nginx");
		assertThat(rendered.out()).isEqualTo("server {\n  listen 127.0.0.1:8080;\n}\n");
		assertThat(this.server.params("webserver.render").toString()).isEqualTo("{\"kind\":\"nginx\"}");
		this.server.result("webserver.render", "{\"kind\": \"apache\", \"config\": \"<VirtualHost>\\n\"}");
		assertThat(pyapp("webserver", "render").out()).isEqualTo("<VirtualHost>\n");
		this.server.error("webserver.apply", -32005, "the web server refused the configuration",
				"{\"type\": \"failed\", \"log\": \"nginx: [emerg] unknown directive\"}");
		CliRun applied = pyapp("webserver", "apply");
		assertThat(applied.exitCode()).isEqualTo(1);
		assertThat(applied.err()).isEqualTo(
				"error: the web server refused the configuration\n  log:\n    nginx: [emerg] unknown directive\n");
	}

	@Test
	void tasksListAndRun() {
		this.server.result("tasks.list", """
				[{"name": "purge", "schedule": "*/30 * * * *", "call": "guestbook.tasks:purge", "next": null,
				  "lastRun": {"id": "t1", "outcome": "succeeded", "started": "2024-05-01T10:00:00Z",
				              "finished": "2024-05-01T10:00:01Z", "exitCode": 0, "output": "purged 3\\n"}}]
				""");
		this.server.result("tasks.run", "{\"outcome\": \"failed\", \"exitCode\": 1, "
				+ "\"started\": \"2024-05-01T12:00:00Z\", \"output\": \"Traceback\\n  KeyError: 'x'\\n\"}");
		assertThat(pyapp("tasks", "guestbook").out().lines().toList()).containsExactly(
				"NAME   SCHEDULE      CALL                   NEXT  LAST RUN",
				"purge  */30 * * * *  guestbook.tasks:purge  -     succeeded at 2024-05-01T10:00:01Z (exit 0)");
		assertThat(this.server.params("tasks.list").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		CliRun run = pyapp("tasks", "guestbook", "run", "purge");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out().lines().toList()).containsExactly(
				"ran guestbook purge: failed at 2024-05-01T12:00:00Z (exit 1)", "    Traceback", "      KeyError: 'x'");
		assertThat(this.server.params("tasks.run").toString()).isEqualTo("{\"name\":\"guestbook\",\"task\":\"purge\"}");
		assertThat(pyapp("tasks", "guestbook", "walk", "purge").exitCode()).isEqualTo(2);
		assertThat(pyapp("tasks", "guestbook", "run").exitCode()).isEqualTo(2);
	}

	@Test
	void nodesListAddInstallAndRemove() {
		this.server.result("nodes.list",
				"[{\"name\": \"web2\", \"host\": \"10.0.0.2\", \"port\": 22, \"user\": \"pyapp\", \"state\": \"ready\"}]");
		this.server.result("nodes.add", "{}")
			.result("nodes.install", "{\"state\": \"ready\"}")
			.result("nodes.remove", "{}");
		assertThat(pyapp("nodes", "list").out().lines().toList()).containsExactly("NAME  HOST      PORT  USER   STATE",
				"web2  10.0.0.2  22    pyapp  ready");
		pyapp("nodes", "add", "web2", "--host", "10.0.0.2", "--port", "2222", "--user", "pyapp", "--host-key",
				"ssh-ed25519 AAAA");
		assertThat(this.server.params("nodes.add").toString()).isEqualTo("{\"name\":\"web2\",\"host\":\"10.0.0.2\","
				+ "\"port\":2222,\"user\":\"pyapp\",\"host_key\":\"ssh-ed25519 AAAA\"}");
		assertThat(pyapp("nodes", "install", "web2").out()).contains("installed node web2");
		assertThat(this.server.params("nodes.install").toString()).isEqualTo("{\"name\":\"web2\"}");
		pyapp("nodes", "remove", "web2");
		assertThat(this.server.params("nodes.remove").toString()).isEqualTo("{\"name\":\"web2\"}");
		assertThat(pyapp("nodes", "add", "web3", "--port", "x").exitCode()).isEqualTo(2);
	}

	@Test
	void nodesAddSendsTheKeyFileAndTheFlags(@TempDir Path dir) throws Exception {
		this.server.result("nodes.add", "{}").result("nodes.install", "{}").result("nodes.remove", "{}");
		Path key = Files.writeString(dir.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");
		pyapp("nodes", "add", "web3", "--host", "127.0.0.1", "--accept-host-key", "--private-key-file", key.toString());
		assertThat(this.server.params("nodes.add").toString()).isEqualTo("{\"name\":\"web3\",\"host\":\"127.0.0.1\","
				+ "\"accept_host_key\":true,\"private_key\":\"-----BEGIN OPENSSH PRIVATE KEY-----\\nabc\\n\"}");
		pyapp("nodes", "install", "web3", "--allow-packages", "--webserver", "apache");
		assertThat(this.server.params("nodes.install").toString())
			.isEqualTo("{\"name\":\"web3\",\"allow_packages\":true,\"webserver\":\"apache\"}");
		pyapp("nodes", "remove", "web3", "--purge");
		assertThat(this.server.params("nodes.remove").toString()).isEqualTo("{\"name\":\"web3\",\"purge\":true}");
	}

}
