package dev.pyapp.server.ui;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.nodes.TestSshd;
import dev.pyapp.server.venv.VenvBuilder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web UI in a real headless Chromium, step by step: log in, the dashboard at desktop
 * and phone width, CSRF, tokens, password change, install the example app by upload with
 * its progress, configure it with an invalid field and then a valid one, mount it and
 * open it through the managed web server, see its log record in the live tail, roll back,
 * the charts of the app page and the dashboard's sparkline carry data, the audit log with
 * its filters, a node added after its host key was shown, its agent installed with its
 * progress and removed, a viewer offered nothing that changes state, log out. A step
 * whose JSON-RPC method is not on this server yet (-32601) is skipped by an assumption;
 * everything else must pass. Screenshots go to {@code docs/screenshots/}.
 */
@Tag("browser")
// before @SpringBootTest, so that it runs after Spring has closed the (dirtied) context
@ExtendWith(UiBrowserIT.LeftoverProcesses.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {

	private static final Path home = createHome();

	private static final Path GUESTBOOK = Path.of("examples", "dist", "guestbook.pyapp");

	private static final Duration LONG_WORK = Duration.ofMinutes(4);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final Set<String> screenshots = new HashSet<>();

	private final String title = "Guestbook " + UUID.randomUUID().toString().substring(0, 8);

	@LocalServerPort
	private int port;

	@Autowired
	private VenvBuilder venv;

	private BrowserSession browser;

	private String apiToken;

	private boolean installed;

	private int webPort;

	private boolean mounted;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		// the example app really runs: gunicorn and the runtime shim go into
		// server-packages
		registry.add("pyapp.python.provision", () -> "true");
		// samples every 2 s, so that the charts have points within the test
		registry.add("pyapp.metrics.sample-interval", () -> "2s");
		// the agent the nodes page installs is this build's jar (the test runs from
		// target/classes), as in NodesIT
		registry.add("pyapp.nodes.agent-jar", () -> Path.of("target/pyapp-server.jar").toAbsolutePath().toString());
	}

	@BeforeAll
	void startBrowser() throws IOException {
		this.apiToken = Files.readString(home.resolve("api-token")).trim();
		this.browser = new BrowserSession(this.port);
	}

	@AfterAll
	void stopEverything() throws Exception {
		try {
			if (this.browser != null) {
				this.browser.close();
			}
		}
		finally {
			if (this.installed) {
				call("apps.remove", "{\"name\":\"guestbook\"}");
			}
			if (this.mounted) {
				call("servers.remove", "{\"name\":\"uitest\"}");
				call("webserver.apply", null);
			}

		}
	}

	@Test
	@Order(1)
	void logsIn() throws Exception {
		this.browser.open("/apps");
		this.browser.visible("#username");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login");
		shot("login");
		this.browser.type("#username", "admin");
		this.browser.type("#password", Files.readString(home.resolve("initial-admin-password")).trim());
		this.browser.find("#login").click();
		this.browser.visible("#apps-table");
		assertThat(this.browser.driver().getCurrentUrl()).contains("/apps");
		assertThat(this.browser.find(".logout .user").getText()).isEqualTo("admin");
	}

	@Test
	@Order(2)
	void dashboardAtDesktopAndPhoneWidth() throws Exception {
		this.browser.open("/apps");
		this.browser.visible("#apps-table");
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(15))
			.until((driver) -> !this.browser.find("#apps").getText().isEmpty());
		assertThat(this.browser.find("#dashboard-status").isDisplayed()).isFalse();
		shot("dashboard-desktop");
		this.browser.phone();
		try {
			this.browser.open("/apps");
			this.browser.visible("#apps-table");
			Long width = (Long) this.browser.driver().executeScript("return document.documentElement.scrollWidth");
			assertThat(width).as("no horizontal scrolling at phone width").isLessThanOrEqualTo(390L);
			shot("dashboard-phone");
		}
		finally {
			this.browser.desktop();
		}
	}

	@Test
	@Order(3)
	void stateChangingRequestWithoutCsrfTokenIsRefused() {
		this.browser.open("/apps");
		this.browser.visible("#apps-table");
		String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server.info\"}";
		Object without = this.browser.async("const done = arguments[arguments.length - 1];"
				+ "fetch('/rpc', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: arguments[0]})"
				+ ".then((r) => done(r.status), (e) => done(String(e)));", body);
		Object with = this.browser.async("const done = arguments[arguments.length - 1];"
				+ "const token = document.querySelector('meta[name=_csrf]').content;"
				+ "fetch('/rpc', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-TOKEN': token},"
				+ " body: arguments[0]}).then((r) => done(r.status), (e) => done(String(e)));", body);
		assertThat(without).isEqualTo(403L);
		assertThat(with).isEqualTo(200L);
	}

	@Test
	@Order(4)
	void createsUsesAndRevokesAnApiToken() throws Exception {
		this.browser.open("/tokens");
		this.browser.visible("#token-name").sendKeys("browser test");
		this.browser.find("#token-form button[type=submit]").click();
		String token = this.browser.visible("#token-value").getAttribute("value");
		assertThat(token).startsWith("pyapp_");
		assertThat(bearer(token, "server.info", null).statusCode()).isEqualTo(200);
		this.browser.visible("#tokens button.revoke");
		shot("tokens");
		this.browser.find("#tokens button.revoke").click();
		this.browser.waitForText("#tokens-message", "revoked", Duration.ofSeconds(10));
		assertThat(bearer(token, "server.info", null).statusCode()).isEqualTo(401);
	}

	@Test
	@Order(5)
	void passwordChangeShowsWhichFieldIsWrong() throws Exception {
		this.browser.open("/account/password");
		this.browser.visible("#current-password").sendKeys("not the password");
		this.browser.type("#new-password", "a-long-enough-password");
		this.browser.type("#confirm-password", "a-long-enough-password");
		this.browser.find("#password-form button[type=submit]").click();
		WebElement error = this.browser.visible("[data-error-for=current]");
		assertThat(error.getText()).contains("current password");
		assertThat(this.browser.find("#current-password").getAttribute("aria-invalid")).isEqualTo("true");
		shot("password");
	}

	@Test
	@Order(9)
	void refusedUploadIsExplainedBesideTheDropZone() throws Exception {
		Path broken = Files.createTempFile(Path.of("/tmp"), "broken", ".pyapp");
		Files.writeString(broken, "this is not a zip file");
		try {
			this.browser.open("/apps/install");
			this.browser.visible("#archive-file").sendKeys(broken.toString());
			WebElement errors = this.browser.visible("#upload-errors", Duration.ofSeconds(30));
			assertThat(errors.getText()).isNotBlank();
			shot("install");
		}
		finally {
			Files.deleteIfExists(broken);
		}
	}

	@Test
	@Order(10)
	void installsTheExampleByUploadWithProgress() throws Exception {
		assumeTrue(Files.isRegularFile(GUESTBOOK), "examples/dist/guestbook.pyapp is not built yet (packaging)");
		assumeTrue(uploadWorks(), "POST /api/archives cannot read archives yet (packaging not merged)");
		// as the runtime's own tests do: gunicorn is provisioned in the background at
		// start
		this.venv.awaitProvisioning(Duration.ofMinutes(3));
		this.browser.open("/apps/install");
		this.browser.visible("#archive-file").sendKeys(GUESTBOOK.toAbsolutePath().toString());
		new WebDriverWait(this.browser.driver(), LONG_WORK)
			.until((driver) -> !driver.findElements(By.cssSelector("#install-done, #install-step.error")).isEmpty());
		shot("install");
		assertThat(this.browser.driver().findElements(By.id("install-done")))
			.as(() -> this.browser.find("#install-progress").getText())
			.isNotEmpty();
		assertThat(this.browser.find("#install-done").getText()).contains("guestbook");
		assertThat(this.browser.find("#upload-progress").getAttribute("value")).isEqualTo("100");
		if (available("logs.query")
				&& result(call("logs.query", "{\"app\":\"guestbook\",\"logger\":\"pyapp.deploy\",\"limit\":1}"))
					.path("records")
					.size() > 0) {
			// the deploy steps were logged: the page showed them as they happened
			assertThat(this.browser.find("#install-log").getText()).contains("[guestbook]");
		}
		this.installed = true;
		shot("install");
	}

	@Test
	@Order(11)
	void appPageShowsReleasesAndProcess() throws Exception {
		assumeTrue(this.installed, "the example app is not installed (earlier step skipped)");
		this.browser.open("/apps/guestbook");
		this.browser.visible("#releases tr[data-release]");
		assertThat(this.browser.find("#app-summary").getText()).contains("1.0.0");
		shot("app");
	}

	@Test
	@Order(12)
	void configurationShowsTheErrorBesideItsFieldThenSaves() throws Exception {
		assumeTrue(this.installed, "the example app is not installed (earlier step skipped)");
		assumeTrue(available("config.spec") && available("config.set"), "config.* is not on this server yet");
		this.browser.open("/apps/guestbook/config");
		String perPage = ".field[data-path='site.entries_per_page']";
		this.browser.visible(perPage + " input");
		this.browser.type(".field[data-path='site.title'] input", this.title);
		this.browser.type(perPage + " input", "9999");
		this.browser.find("#config-save").click();
		WebElement error = this.browser.visible(perPage + " .field-error");
		assertThat(error.getText()).isNotBlank();
		assertThat(this.browser.find(".field[data-path='site.title'] .field-error").isDisplayed()).isFalse();
		shot("config");

		this.browser.type(perPage + " input", "25");
		this.browser.find("#config-save").click();
		this.browser.waitForText("#config-message", "Saved", Duration.ofSeconds(60));
		assertThat(this.browser.find(perPage + " .field-error").isDisplayed()).isFalse();
		JsonNode values = result(call("config.get", "{\"name\":\"guestbook\"}")).path("values");
		assertThat(values.path("site").path("title").asString()).isEqualTo(this.title);
		assertThat(values.path("site").path("entries_per_page").asInt()).isEqualTo(25);
	}

	@Test
	@Order(13)
	void mountsTheAppAndOpensItThroughTheWebServer() throws Exception {
		assumeTrue(this.installed, "the example app is not installed (earlier step skipped)");
		// webserver.* comes with servers.* and mounts.*; probing it would apply for real
		assumeTrue(available("servers.add") && available("mounts.add"),
				"servers/mounts/webserver are not on this server yet");
		this.webPort = freePort();
		this.browser.open("/servers");
		this.browser.find("#server-form").findElement(By.xpath("./..")).findElement(By.tagName("summary")).click();
		this.browser.type("#server-name", "uitest");
		this.browser.type("#server-hostnames", "localhost");
		this.browser.type("#server-listen", "127.0.0.1:" + this.webPort);
		this.browser.find("#server-form button[type=submit]").click();
		this.browser.visible("#servers tr[data-server=uitest]");
		this.mounted = true;
		this.browser.find("#mount-form").findElement(By.xpath("./..")).findElement(By.tagName("summary")).click();
		new Select(this.browser.find("#mount-server")).selectByValue("uitest");
		new Select(this.browser.find("#mount-app")).selectByValue("guestbook");
		this.browser.type("#mount-path", "/guestbook");
		this.browser.find("#mount-form button[type=submit]").click();
		this.browser.waitForText("#mounts", "/guestbook", Duration.ofSeconds(10));
		this.browser.find("#apply").click();
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(90)).until((driver) -> {
			WebElement message = this.browser.find("#apply-message");
			return message.isDisplayed() && !message.getText().startsWith("Testing");
		});
		assertThat(this.browser.find("#apply-message").getAttribute("class"))
			.as(this.browser.find("#apply-message").getText() + "\n" + this.browser.find("#apply-log").getText())
			.contains("ok");
		shot("servers");

		assumeTrue(available("apps.start"), "the runtime is not on this server yet: the app does not run");
		this.browser.open("http://127.0.0.1:" + this.webPort + "/guestbook/");
		WebElement heading = this.browser.visible("h1", Duration.ofSeconds(30));
		if (available("config.set")) {
			assertThat(heading.getText()).isEqualTo(this.title);
		}
		shot("guestbook-through-webserver");
	}

	@Test
	@Order(14)
	void aRecordTheAppWritesAppearsInTheLiveTail() throws Exception {
		assumeTrue(this.mounted, "the example app is not mounted (earlier step skipped)");
		assumeTrue(available("logs.tail") && available("logs.query"), "logs.* is not on this server yet");
		assumeTrue(available("apps.start"), "the runtime is not on this server yet: the app does not run");
		this.browser.open("/logs?app=guestbook");
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(15)).until((driver) -> "guestbook"
			.equals(new Select(this.browser.find("#log-app")).getFirstSelectedOption().getAttribute("value")));
		this.browser.find("#live-tail").click();
		this.browser.waitForText("#log-status", "Live tail", Duration.ofSeconds(10));
		String marker = "ui-tail-" + UUID.randomUUID();
		HttpResponse<String> logged = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/guestbook/log?level=WARNING&msg=" + marker))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(logged.statusCode()).isEqualTo(200);
		this.browser.waitForText("#log-records", marker, Duration.ofSeconds(60));
		shot("logs");
	}

	@Test
	@Order(15)
	void rollsBackToTheEarlierRelease() throws Exception {
		assumeTrue(this.installed, "the example app is not installed (earlier step skipped)");
		assumeTrue(available("apps.rollback"), "apps.rollback is not on this server yet");
		Path newer = buildVersion("1.1.0");
		String archive = mapper.readTree(upload(newer).body()).path("archive").asString();
		assertThat(result(call("apps.install", "{\"archive\":\"" + archive + "\"}")).path("version").asString())
			.isEqualTo("1.1.0");
		this.browser.open("/apps/guestbook");
		WebElement button = this.browser.visible("#releases button.rollback");
		String release = button.getAttribute("data-release");
		button.click();
		this.browser.waitForText("#app-message", "Rolled back", LONG_WORK);
		this.browser.waitForText("#releases tr[data-release='" + release + "']", "live", Duration.ofSeconds(15));
		assertThat(release).startsWith("1.0.0-");
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("version").asString()).isEqualTo("1.0.0");
		this.browser.waitForText("#app-summary", "1.0.0", Duration.ofSeconds(10));
		shot("app");
	}

	@Test
	@Order(16)
	void theAppPageChartsAndTheDashboardSparklineCarryData() throws Exception {
		assumeTrue(this.mounted, "the example app is not mounted (earlier step skipped)");
		for (int i = 0; i < 10; i++) {
			this.http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/guestbook/")).build(),
					HttpResponse.BodyHandlers.discarding());
		}
		// the charts are drawn from the samples of the last seconds: reload until every
		// series has points (latency needs a step with requests in it)
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(120)).pollingEvery(Duration.ofSeconds(3))
			.until((driver) -> {
				this.browser.open("/apps/guestbook");
				try {
					new WebDriverWait(driver, Duration.ofSeconds(10))
						.until((d) -> this.browser.find("[data-chart=memory]").getAttribute("data-points") != null);
				}
				catch (org.openqa.selenium.TimeoutException ex) {
					return false;
				}
				for (String chart : List.of("requests", "latency", "cpu", "memory")) {
					String points = this.browser.find("[data-chart=" + chart + "]").getAttribute("data-points");
					if (points == null || Integer.parseInt(points) == 0) {
						return false;
					}
				}
				return true;
			});
		// uPlot drew on its canvases
		assertThat(this.browser.driver().findElements(By.cssSelector("#metrics canvas")))
			.hasSizeGreaterThanOrEqualTo(4);
		this.browser.driver().executeScript("document.querySelector('#metrics').scrollIntoView()");
		this.browser.screenshot("app-charts");
		this.browser.open("/apps");
		WebElement sparkline = this.browser.visible("tr[data-app=guestbook] .sparkline", Duration.ofSeconds(30));
		assertThat(Integer.parseInt(sparkline.getAttribute("data-points"))).isPositive();
		assertThat(sparkline.findElements(By.tagName("canvas"))).isNotEmpty();
		shot("dashboard-desktop");
	}

	@Test
	@Order(17)
	void theAuditPageShowsWhoChangedWhatWithFilters() throws Exception {
		this.browser.open("/audit");
		this.browser.visible("#audit-records tr");
		this.browser.type("#audit-method", "apps.*");
		this.browser.find("#audit-form button[type=submit]").click();
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(15))
			// the rows are replaced when the answer arrives
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> {
				List<WebElement> rows = driver.findElements(By.cssSelector("#audit-records tr[data-id]"));
				return !rows.isEmpty() && rows.stream().allMatch((row) -> row.getText().contains("apps."));
			});
		if (this.installed) {
			assertThat(this.browser.find("#audit-records").getText()).contains("apps.install").contains("admin");
		}
		this.browser.type("#audit-method", "");
		this.browser.type("#audit-principal", "nobody-at-all");
		this.browser.find("#audit-form button[type=submit]").click();
		this.browser.waitForText("#audit-records", "No record matches", Duration.ofSeconds(15));
		this.browser.type("#audit-principal", "");
		this.browser.find("#audit-form button[type=submit]").click();
		this.browser.visible("#audit-records tr[data-id]");
		shot("audit");
	}

	@Test
	@Order(18)
	void theNodesPageAddsANodeAfterShowingItsHostKeyInstallsItsAgentAndRemovesIt() throws Exception {
		Path dir = Files.createTempDirectory(Path.of("/tmp"), "uisshd");
		try (TestSshd sshd = TestSshd.start(dir)) {
			this.browser.open("/nodes");
			this.browser.visible("#node-name").sendKeys("uinode");
			this.browser.type("#node-host", "127.0.0.1");
			this.browser.type("#node-port", String.valueOf(sshd.port()));
			this.browser.type("#node-user", System.getProperty("user.name"));
			this.browser.find("#node-private-key").sendKeys(sshd.privateKey());
			this.browser.find("#node-check").click();
			WebElement fingerprint = this.browser.visible("#host-key-fingerprint", Duration.ofSeconds(60));
			assertThat(fingerprint.getText()).isEqualTo(sshd.hostKeyFingerprint());
			shot("nodes-host-key");
			this.browser.find("#host-key-trust").click();
			this.browser.visible("#nodes tr[data-node=uinode]", Duration.ofSeconds(60));
			assertThat(this.browser.find("#nodes tr[data-node=uinode]").getText()).contains(sshd.hostKeyFingerprint())
				.contains("added");
			// the agent in a home and on a port of this test's own (the "node" is this
			// host)
			this.browser.find("#install-options summary").click();
			this.browser.type("#install-home", dir.resolve("agent").toString());
			this.browser.type("#install-port", String.valueOf(freePort()));
			this.browser.find("#nodes tr[data-node=uinode] button.install").click();
			// the install's steps appear while nodes.install runs
			new WebDriverWait(this.browser.driver(), Duration.ofSeconds(60)).until((driver) -> {
				String step = this.browser.find("#install-step").getText();
				return step.matches("(?s)^(connect|check|packages|upload|service|start): .*")
						|| step.startsWith("Installed");
			});
			new WebDriverWait(this.browser.driver(), LONG_WORK).until((driver) -> {
				String classes = this.browser.find("#install-step").getAttribute("class");
				return classes != null && (classes.contains("ok") || classes.contains("error"));
			});
			assertThat(this.browser.find("#install-step").getAttribute("class"))
				.as(this.browser.find("#install-progress").getText())
				.contains("ok");
			this.browser.waitForText("#nodes tr[data-node=uinode]", "installed", Duration.ofSeconds(30));
			shot("nodes");
			this.browser.find("#nodes tr[data-node=uinode] button.remove").click();
			this.browser.driver().switchTo().alert().accept();
			this.browser.waitForText("#nodes-message", "removed", LONG_WORK);
			assertThat(this.browser.driver().findElements(By.cssSelector("#nodes tr[data-node=uinode]"))).isEmpty();
		}
		finally {
			org.springframework.util.FileSystemUtils.deleteRecursively(dir);
		}
	}

	@Test
	@Order(19)
	void aViewerSeesNoButtonThatChangesAnything() throws Exception {
		JsonNode created = result(call("users.create", "{\"username\":\"uiviewer\",\"role\":\"viewer\"}"));
		String password = created.path("password").asString();
		BrowserSession viewer = new BrowserSession(this.port);
		try {
			viewer.open("/login");
			viewer.visible("#username").sendKeys("uiviewer");
			viewer.type("#password", password);
			viewer.find("#login").click();
			viewer.visible("#apps-table");
			assertThat(viewer.find("#role").getText()).isEqualTo("viewer");
			assertThat(viewer.driver().findElements(By.cssSelector("nav a[href='/audit']"))).isEmpty();
			assertThat(viewer.find("a.button.primary[href='/apps/install']").isDisplayed()).isFalse();
			if (this.installed) {
				viewer.open("/apps/guestbook");
				viewer.visible("#app-summary");
				assertThat(viewer.find("[data-action='apps.restart']").isDisplayed()).isFalse();
			}
			// and the API refuses what the page does not offer, naming the role
			Object refused = viewer.async("const done = arguments[arguments.length - 1];"
					+ "const token = document.querySelector('meta[name=_csrf]').content;"
					+ "fetch('/rpc', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-TOKEN': token},"
					+ " body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'apps.restart', params: {name: 'guestbook'}})})"
					+ ".then((r) => r.json()).then((r) => done(r.error.message), (e) => done(String(e)));");
			assertThat(String.valueOf(refused)).contains("needs the role deployer");
		}
		finally {
			viewer.close();
		}
	}

	@Test
	@Order(20)
	void everyPageRendersAndDegradesReadably() throws Exception {
		for (String[] page : new String[][] { { "/servers", "servers", "#servers" }, { "/users", "users", "#users" },
				{ "/logs", "logs", "#log-records" }, { "/notifications", "notifications", "#rules" },
				{ "/apps/install", "install", "#dropzone" } }) {
			this.browser.open(page[0]);
			this.browser.visible("main h1");
			assertThat(this.browser.driver().findElements(By.cssSelector(page[2]))).isNotEmpty();
			// a missing method is a sentence on the page, not a blank or a stack trace
			new WebDriverWait(this.browser.driver(), Duration.ofSeconds(15))
				.until((driver) -> !this.browser.find("main").getText().contains("Loading"));
			assertThat(this.browser.find("main").getText()).doesNotContain("Exception").doesNotContain("undefined");
			if (!this.screenshots.contains(page[1])) {
				shot(page[1]);
			}
		}
	}

	@Test
	@Order(30)
	void logsOut() {
		this.browser.open("/apps");
		this.browser.visible("#logout").click();
		this.browser.visible(".message.ok");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login?logout");
		this.browser.open("/apps");
		this.browser.visible("#username");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login");
	}

	private void shot(String name) throws IOException {
		this.browser.driver().executeScript("document.activeElement.blur(); window.scrollTo(0, 0)");
		this.browser.screenshot(name);
		this.screenshots.add(name);
	}

	/**
	 * Whether the server has the method: anything but -32601 counts. The probe sends
	 * empty params, which a method with required params refuses (-32602) without doing
	 * anything.
	 */
	private boolean available(String method) throws Exception {
		JsonNode reply = mapper.readTree(call(method, "{}").body());
		return reply.path("error").path("code").asInt() != -32601;
	}

	private boolean uploadWorks() throws Exception {
		HttpResponse<String> response = upload(GUESTBOOK);
		return response.statusCode() == 201;
	}

	/** The example with another version, built by the examples' own build script. */
	private static Path buildVersion(String version) throws Exception {
		Path out = Files.createTempDirectory(Path.of("/tmp"), "dist");
		Process build = new ProcessBuilder("python3", "examples/build.py", "--version", version, "--out",
				out.toString(), "guestbook")
			.redirectErrorStream(true)
			.start();
		String output = new String(build.getInputStream().readAllBytes());
		assertThat(build.waitFor()).as(output).isZero();
		try (Stream<Path> files = Files.list(out)) {
			return files.filter((file) -> file.toString().endsWith(".pyapp")).findFirst().orElseThrow();
		}
	}

	private HttpResponse<String> upload(Path archive) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/archives"))
			.header("Authorization", "Bearer " + this.apiToken)
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofFile(archive))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> call(String method, String params) throws Exception {
		return bearer(this.apiToken, method, params);
	}

	private HttpResponse<String> bearer(String token, String method, String params) throws Exception {
		String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\""
				+ ((params != null) ? ",\"params\":" + params : "") + "}";
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode result(HttpResponse<String> response) {
		JsonNode reply = mapper.readTree(response.body());
		assertThat(reply.has("error")).as(response.body()).isFalse();
		return reply.path("result");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Stops, by the pid files under the test's home, whatever the run left running (the
	 * managed web server, app daemons). It runs once the server is closed: while it runs
	 * it restarts what it supervises.
	 */
	static final class LeftoverProcesses implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext extension) {
			killLeftovers();
		}

	}

	private static void killLeftovers() {
		await().atMost(Duration.ofSeconds(60))
			.during(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(300))
			.until(() -> stopRunning() == 0);
	}

	private static int stopRunning() throws IOException {
		List<Path> pidFiles;
		try (Stream<Path> files = Files.walk(home)) {
			pidFiles = files.filter((file) -> file.getFileName().toString().endsWith(".pid")).toList();
		}
		int running = 0;
		for (Path file : pidFiles) {
			try {
				ProcessHandle process = ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).orElse(null);
				// only a process of this run: its command line names the test's home
				if (process != null && process.isAlive() && commandLine(process.pid()).contains(home.toString())) {
					running++;
					process.destroy();
				}
			}
			catch (NumberFormatException | IOException ex) {
				// not a pid file of ours, or gone while we looked
			}
		}
		return running;
	}

	/**
	 * The raw command line: nginx rewrites its own, which ProcessHandle.Info then drops.
	 */
	private static String commandLine(long pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
					java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static Path createHome() {
		try {
			return Files.createTempDirectory(Path.of("/tmp"), "pa");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
