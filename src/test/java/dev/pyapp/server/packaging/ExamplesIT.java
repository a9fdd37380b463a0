package dev.pyapp.server.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.Sha256;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example build ({@code examples/build.py}) and the guestbook app itself, run by the
 * real {@code python3}: its WSGI callable is driven through {@code wsgiref} in one
 * process, without gunicorn (the runtime's tests run it under gunicorn).
 */
@Tag("process")
class ExamplesIT {

	/** Calls the app's endpoints and its hooks and task; prints one JSON object. */
	private static final String DRIVER = """
			import io, json, sys
			from wsgiref.util import setup_testing_defaults
			from guestbook import web, hooks, tasks

			def call(path, method="GET", body=b"", query=""):
			    env = {}
			    setup_testing_defaults(env)
			    env.update(PATH_INFO=path, SCRIPT_NAME="/apps/gb", REQUEST_METHOD=method, QUERY_STRING=query,
			               CONTENT_LENGTH=str(len(body)), HTTP_X_FORWARDED_PROTO="https")
			    env["wsgi.input"] = io.BytesIO(body)
			    seen = {}
			    def start_response(status, headers):
			        seen["status"], seen["headers"] = status, dict(headers)
			    data = b"".join(web.application(env, start_response)).decode()
			    return {"status": seen["status"], "headers": seen["headers"], "body": data}

			hooks.post_install()
			hooks.pre_update()
			hooks.post_update()
			hooks.pre_delete()
			tasks.purge()
			result = {"sign": call("/sign", "POST", b"text=Hello+%3Cworld%3E")}
			for name, path, query in [("page", "/", ""), ("health", "/health", ""), ("version", "/version", ""),
			                          ("env", "/env", ""), ("config", "/config", ""),
			                          ("log", "/log", "level=ERROR&msg=logged-by-test"),
			                          ("print", "/print", "msg=printed-by-test"),
			                          ("import_ok", "/import", "module=sqlite3"), ("import_bad", "/import", "module=nope_x"),
			                          ("css", "/static/guestbook.css", ""), ("missing", "/nope", "")]:
			    result[name] = call(path, query=query)
			try:
			    call("/crash")
			    result["crash"] = "no exception"
			except RuntimeError as error:
			    result["crash"] = str(error)
			sys.stdout.write("\\nRESULT " + json.dumps(result) + "\\n")
			""";

	@TempDir
	static Path temp;

	private static Path release;

	private static JsonNode result;

	@BeforeAll
	static void runTheGuestbook() throws Exception {
		PackageReader reader = Packages.reader();
		release = temp.resolve("apps/guestbook/releases/1.0.0-20260101T000000Z");
		reader.extract(reader.read(ExampleArchives.guestbook()), release);
		Path data = Files.createDirectories(temp.resolve("apps/guestbook/data"));
		Path config = Files.writeString(temp.resolve("apps/guestbook/config.ini"),
				"[site]\ntitle = Tests <&> book\nentries_per_page = 5\ntheme = dark\nsecret_key = hunter2\n");
		Path driver = Files.writeString(temp.resolve("driver.py"), DRIVER);
		ProcessBuilder builder = new ProcessBuilder("python3", driver.toString())
			.directory(release.resolve("src").toFile())
			.redirectErrorStream(true);
		Map<String, String> env = builder.environment();
		env.put("PYTHONPATH", release.resolve("src").toString());
		env.put("PYTHONDONTWRITEBYTECODE", "1");
		env.put("PYAPP_NAME", "guestbook");
		env.put("PYAPP_VERSION", "1.0.0");
		env.put("PYAPP_CONFIG_FILE", config.toString());
		env.put("PYAPP_DATA_PATH", data.toString());
		env.put("PYAPP_WRITABLE_SESSIONS", Files.createDirectories(data.resolve("sessions")).toString());
		env.put("PYAPP_DATABASE_MAIN_URL", "sqlite:///" + data.resolve("db/main.sqlite3"));
		Process process = builder.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("printed-by-test").contains("logged-by-test");
		result = JsonMapper.builder().build().readTree(output.substring(output.indexOf("\nRESULT ") + 8));
	}

	@Test
	void signingRedirectsBelowTheMountAndShowsTheEntryEscaped() {
		assertThat(result.path("sign").path("status").stringValue()).isEqualTo("303 See Other");
		assertThat(result.path("sign").path("headers").path("Location").stringValue()).isEqualTo("/apps/gb/");
		String page = result.path("page").path("body").stringValue();
		assertThat(page).contains("<title>Tests &lt;&amp;&gt; book</title>")
			.contains("Hello &lt;world&gt;")
			.contains("href=\"/apps/gb/static/guestbook.css\"")
			.contains("action=\"/apps/gb/sign\"")
			.contains("class=\"dark\"");
	}

	@Test
	void answersTheDiagnosticEndpoints() {
		assertThat(result.path("health").path("body").stringValue()).isEqualTo("ok");
		assertThat(result.path("version").path("body").stringValue()).isEqualTo("1.0.0");
		assertThat(result.path("log").path("status").stringValue()).isEqualTo("200 OK");
		assertThat(result.path("print").path("status").stringValue()).isEqualTo("200 OK");
		assertThat(result.path("crash").stringValue()).isEqualTo("crash requested by GET /crash");
		assertThat(result.path("missing").path("status").stringValue()).isEqualTo("404 Not Found");
		assertThat(result.path("css").path("body").stringValue()).contains("body {");
	}

	@Test
	void showsItsEnvironmentAndImports() throws Exception {
		JsonNode env = JsonMapper.builder().build().readTree(result.path("env").path("body").stringValue());
		assertThat(env.path("SCRIPT_NAME").stringValue()).isEqualTo("/apps/gb");
		assertThat(env.path("PATH_INFO").stringValue()).isEqualTo("/env");
		assertThat(env.path("HTTP_X_FORWARDED_PROTO").stringValue()).isEqualTo("https");
		assertThat(env.path("PYAPP_NAME").stringValue()).isEqualTo("guestbook");
		assertThat(env.path("cwd").stringValue()).isEqualTo(release.resolve("src").toRealPath().toString());
		assertThat(env.path("pid").asInt()).isPositive();
		JsonNode good = JsonMapper.builder().build().readTree(result.path("import_ok").path("body").stringValue());
		JsonNode bad = JsonMapper.builder().build().readTree(result.path("import_bad").path("body").stringValue());
		assertThat(good.path("ok").asBoolean()).isTrue();
		assertThat(bad.path("ok").asBoolean()).isFalse();
		assertThat(bad.path("error").stringValue()).contains("No module named 'nope_x'");
	}

	@Test
	void showsItsConfigurationWithoutSecrets() throws Exception {
		JsonNode config = JsonMapper.builder().build().readTree(result.path("config").path("body").stringValue());
		assertThat(config.path("site").path("title").stringValue()).isEqualTo("Tests <&> book");
		assertThat(config.path("site").path("entries_per_page").stringValue()).isEqualTo("5");
		assertThat(config.path("site").path("secret_key").stringValue()).isEqualTo("***");
		assertThat(result.toString()).doesNotContain("hunter2");
	}

	@Test
	void hooksAndTasksLeaveTheirTraces() throws IOException {
		Path data = temp.resolve("apps/guestbook/data");
		assertThat(Files.readAllLines(data.resolve("hooks.log")))
			.extracting((line) -> line.split(" ")[0] + " " + line.split(" ")[1])
			.containsExactly("post-install 1.0.0", "pre-update 1.0.0", "post-update 1.0.0", "pre-delete 1.0.0");
		assertThat(Files.readString(data.resolve("tasks.log"))).startsWith("purge-sessions ");
		assertThat(data.resolve("db/main.sqlite3")).isRegularFile();
	}

	@Test
	void buildsOtherVersionsDeterministically() {
		Path first = ExampleArchives.guestbook("1.1.0", temp.resolve("v1"));
		Path second = ExampleArchives.guestbook("1.1.0", temp.resolve("v2"));

		AppPackage pkg = Packages.reader().read(first);
		assertThat(pkg.manifest().version()).isEqualTo("1.1.0");
		assertThat(pkg.checksum()).isEqualTo(Sha256.of(second));
		assertThat(pkg.checksum()).isNotEqualTo(Sha256.of(ExampleArchives.guestbook()));
	}

}
