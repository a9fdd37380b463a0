package dev.pyapp.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
	void nodesListSaysWhichNodeDoesNotAnswerAndWhy() {
		// found in a trial: a node whose sshd was stopped was listed as "installed"
		this.server.result("nodes.list",
				"""
						[{"name": "web2", "host": "10.0.0.2", "port": 22, "user": "root", "state": "installed",
						  "reachable": false, "last_error": "node 'web2' is unreachable: cannot connect to root@10.0.0.2:22: connection refused"},
						 {"name": "web3", "host": "10.0.0.3", "port": 22, "user": "root", "state": "installed",
						  "reachable": true, "last_error": null}]""");
		assertThat(pyapp("nodes", "list").out().lines().toList()).containsExactly("NAME  HOST      PORT  USER  STATE",
				"web2  10.0.0.2  22    root  installed, unreachable", "web3  10.0.0.3  22    root  installed",
				"web2: node 'web2' is unreachable: cannot connect to root@10.0.0.2:22: connection refused");
	}

	@Test
	void nodesAddShowsTheHostKeyItPinnedOnFirstUse() {
		// found in a trial: --accept-host-key says to check the key, but did not show it
		this.server.result("nodes.add", "{\"name\": \"web2\", \"host_key\": \"SHA256:8x1Kviac7ltERO\"}");
		assertThat(pyapp("nodes", "add", "web2", "--host", "10.0.0.2", "--accept-host-key").out().lines().toList())
			.containsExactly("added node web2", "host key SHA256:8x1Kviac7ltERO pinned as presented: compare it with "
					+ "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the node");
		assertThat(pyapp("nodes", "add", "web2", "--host", "10.0.0.2", "--host-key", "SHA256:8x1Kviac7ltERO").out()
			.lines()
			.toList()).containsExactly("added node web2", "host key SHA256:8x1Kviac7ltERO");
	}

	@Test
	void nodesRekeySendsTheNewKeyOrTheAcceptanceAndShowsThePin() {
		this.server.result("nodes.rekey", "{\"name\": \"web2\", \"host_key\": \"SHA256:8x1Kviac7ltERO\"}");
		assertThat(pyapp("nodes", "rekey", "web2", "--host-key", "SHA256:8x1Kviac7ltERO").out())
			.isEqualTo("node web2: host key SHA256:8x1Kviac7ltERO pinned\n");
		assertThat(this.server.params("nodes.rekey").toString())
			.isEqualTo("{\"name\":\"web2\",\"host_key\":\"SHA256:8x1Kviac7ltERO\"}");
		assertThat(pyapp("nodes", "rekey", "web2", "--accept-host-key").out())
			.contains("pinned as presented: compare it with ssh-keygen -lf");
		assertThat(this.server.params("nodes.rekey").toString())
			.isEqualTo("{\"name\":\"web2\",\"accept_host_key\":true}");
	}

	@Test
	void nodesRemoveWarnsOfWhatItLeftRunningOnTheNode() {
		// found in a trial: "removed node n1" while the agent and its apps ran on
		this.server.result("nodes.remove", "{\"name\": \"web2\", \"removed\": true, \"uninstalled\": false, "
				+ "\"warning\": \"the agent in /srv/pyapp-agent on root@10.0.0.2:22 could not be reached\"}");
		CliRun removed = pyapp("nodes", "remove", "web2");
		assertThat(removed.exitCode()).isZero();
		assertThat(removed.out()).isEqualTo("removed node web2\n");
		assertThat(removed.err())
			.isEqualTo("warning: the agent in /srv/pyapp-agent on root@10.0.0.2:22 could not be reached\n");
	}

	@Test
	void nodesInstallTakesTheAgentsHomeAndPortAndShowsItsSteps() {
		this.server.result("nodes.list", "[{\"name\": \"web2\", \"progress\": {\"step\": \"upload\", "
				+ "\"message\": \"uploading the server jar to /opt/agent\"}}]");
		this.server.answer("nodes.install", (params) -> {
			// the install answers once it is over: its steps show meanwhile
			await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.calls("nodes.list").isEmpty());
			return this.server.rpcResult("{\"name\": \"web2\", \"state\": \"installed\"}");
		});
		CliRun installed = pyapp("nodes", "install", "web2", "--home", "/opt/agent", "--agent-port", "9100");
		assertThat(installed.exitCode()).isZero();
		assertThat(installed.out()).startsWith("upload: uploading the server jar to /opt/agent\ninstalled node web2\n");
		assertThat(this.server.params("nodes.install").toString())
			.isEqualTo("{\"name\":\"web2\",\"home\":\"/opt/agent\",\"agent_port\":9100}");
	}

	@Test
	void nodeOptionSendsEveryCallToTheNodeButThoseManagingNodes() {
		// found in a trial: an app on a node was out of reach of every command but rpc
		String app = "{\"name\": \"fsq\", \"version\": \"1.0.0\", \"state\": \"running\"}";
		this.server.result("apps.rollback", app).result("apps.get", app).result("mounts.add", "{}");
		assertThat(pyapp("--node", "web2", "rollback", "fsq").exitCode()).isZero();
		assertThat(this.server.params("apps.rollback").toString()).isEqualTo("{\"name\":\"fsq\",\"node\":\"web2\"}");
		assertThat(pyapp("mounts", "add", "main", "/fsq", "fsq", "--node", "web2").exitCode()).isZero();
		assertThat(this.server.params("mounts.add").toString())
			.isEqualTo("{\"server\":\"main\",\"path\":\"/fsq\",\"app\":\"fsq\",\"node\":\"web2\"}");
		this.server.result("webserver.apply", "{}");
		pyapp("webserver", "apply", "--node", "web2");
		assertThat(this.server.params("webserver.apply").toString()).isEqualTo("{\"node\":\"web2\"}");
		this.server.result("nodes.list", "[]");
		pyapp("nodes", "list", "--node", "web2");
		assertThat(this.server.params("nodes.list")).isNull();
		CliRun shell = pyapp("shell", "fsq", "--node", "web2");
		assertThat(shell.exitCode()).isEqualTo(2);
		assertThat(shell.err()).contains("pyapp run --node web2 fsq -- ARGV");
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
