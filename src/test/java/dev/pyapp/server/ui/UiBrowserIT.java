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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

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
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.nodes.TestSshd;
import dev.pyapp.server.scm.GitFixture;
import dev.pyapp.server.venv.VenvBuilder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web UI in a real headless Chromium, as an operator goes through it: log in (and be
 * asked to change the generated password), tokens revoked after a confirmation, the
 * example installed by upload with its progress, its measured health, the configuration
 * form with errors beside fields and what the server holds after saving, a mount with the
 * form's defaults, staged changes and their diff before one apply, the live URL on the
 * dashboard, the live tail, charts, a failing upgrade that shows its cause and what is
 * still live, an identical re-upload that asks, Stop after a confirmation, "restart now?"
 * after an environment change, task output and history, an alert rule's test and the SMTP
 * warning, a git app (source, Update now, rollback, hooks with their last delivery, one
 * message for an unreachable repository), a dashboard of 23 apps with search and focus
 * kept across refreshes, styled 404s, the server page, an expired session that returns to
 * its page, the audit log, nodes, a viewer, an axe-core scan of every page at 1280 and
 * 390 px, log out. Nothing is skipped: a broken upload, runtime or web server fails the
 * test. Screenshots go to {@code docs/screenshots/} when asked for
 * ({@code -Dpyapp.screenshots=true}).
 */
@Tag("browser")
// before @SpringBootTest, so that it runs after Spring has closed the (dirtied) context
@ExtendWith(UiBrowserIT.NothingLeftRunning.class)
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

	@Autowired
	private AppRegistry registry;

	private final List<String> extraApps = new ArrayList<>();

	private boolean gitApp;

	private BrowserSession browser;

	private String apiToken;

	private boolean installed;

	private int webPort;

	private boolean mounted;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		// the example app really runs: gunicorn and the runtime shim go
		// into server-packages
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
			for (String app : this.extraApps) {
				this.registry.delete(AppId.of(app));
			}
			if (this.gitApp) {
				call("apps.remove", "{\"name\":\"gitdemo\"}");
			}
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
	void logsInAndIsAskedToChangeTheGeneratedPassword() throws Exception {
		this.browser.open("/apps");
		this.browser.visible("#username");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login");
		shot("login");
		logIn(this.browser, "admin", Files.readString(home.resolve("initial-admin-password")).trim());
		this.browser.visible("#apps-table");
		assertThat(this.browser.driver().getCurrentUrl()).contains("/apps");
		assertThat(this.browser.text(".logout .user")).isEqualTo("admin");
		// the generated password is still in a file on the server: every page says so
		assertThat(this.browser.visible("#initial-password").getText()).contains("Change it now");
		assertThat(this.browser.find("#initial-password a").getAttribute("href")).endsWith("/account/password");
	}

	@Test
	@Order(2)
	void dashboardWithoutAppsAtDesktopAndPhoneWidth() throws Exception {
		this.browser.open("/apps");
		this.browser.visible("#apps-table");
		this.browser.waitForText("#state-counts", "0 apps", Duration.ofSeconds(15));
		assertThat(this.browser.find("#no-apps").isDisplayed()).isTrue();
		assertThat(this.browser.find("#dashboard-status").isDisplayed()).isFalse();
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
	void createsUsesAndRevokesAnApiTokenAfterAConfirmation() throws Exception {
		this.browser.open("/tokens");
		this.browser.visible("#token-name").sendKeys("browser test");
		this.browser.find("#token-form button[type=submit]").click();
		String token = this.browser.visible("#token-value").getAttribute("value");
		assertThat(token).startsWith("pyapp_");
		assertThat(bearer(token, "server.info", null).statusCode()).isEqualTo(200);
		this.browser.visible("#tokens button.revoke");
		shot("tokens");
		// one click does nothing yet: the dialog names the consequence, and Cancel
		// keeps it
		this.browser.find("#tokens button.revoke").click();
		assertThat(this.browser.confirm(false)).contains("Revoke the token browser test").contains("401");
		assertThat(bearer(token, "server.info", null).statusCode()).isEqualTo(200);
		this.browser.find("#tokens button.revoke").click();
		this.browser.confirm(true);
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
		assertThat(GUESTBOOK).as("examples/dist/guestbook.pyapp (python3 examples/build.py)").isRegularFile();
		// as the runtime's own tests do: gunicorn is provisioned in the background
		// at start
		this.venv.awaitProvisioning(Duration.ofMinutes(3));
		this.browser.open("/apps/install");
		this.browser.visible("#archive-file").sendKeys(GUESTBOOK.toAbsolutePath().toString());
		this.browser.waitFor(LONG_WORK)
			.until((driver) -> !driver.findElements(By.cssSelector("#install-done, #install-step.error")).isEmpty());
		assertThat(this.browser.driver().findElements(By.id("install-done")))
			.as(() -> this.browser.text("#install-progress"))
			.isNotEmpty();
		assertThat(this.browser.text("#install-done")).contains("guestbook");
		assertThat(this.browser.find("#upload-progress").getAttribute("value")).isEqualTo("100");
		// the deploy steps were logged and shown as they happened
		assertThat(this.browser.text("#install-log")).contains("[guestbook]");
		this.installed = true;
		shot("install");
	}

	@Test
	@Order(11)
	void appPageShowsReleasesProcessAndMeasuredHealth() throws Exception {
		// the page's refreshes bring the health check's outcome: every 500 ms, not 5 s
		try (AutoCloseable quick = this.browser.quickRefreshes(500)) {
			this.browser.open("/apps/guestbook");
		}
		this.browser.visible("#releases tr[data-release]");
		assertThat(this.browser.text("#app-summary")).contains("1.0.0");
		// the health check ran against the daemon (right after it started)
		this.browser.waitFor(Duration.ofSeconds(60))
			.until((driver) -> this.browser.text("#app-summary").contains("health check passed"));
		assertThat(this.browser.text("#app-summary .health")).isEqualTo("up");
		// only what can work: a running app offers Stop and Restart, not Start
		assertThat(this.browser.find("[data-action='apps.start']").isDisplayed()).isFalse();
		assertThat(this.browser.find("[data-action='apps.stop']").isDisplayed()).isTrue();
		assertThat(this.browser.find("#update-now").isDisplayed()).as("not a git app").isFalse();
		// every release's deploy log is reachable from its row
		assertThat(this.browser.attribute("#releases tr[data-release] a.deploy-log", "href"))
			.contains("/logs?app=guestbook&release=1.0.0-");
	}

	@Test
	@Order(12)
	void configurationShowsErrorsBesideFieldsAndWhatTheServerHoldsAfterSaving() throws Exception {
		this.browser.open("/apps/guestbook/config");
		String perPage = ".field[data-path='site.entries_per_page']";
		String secret = ".field[data-path='site.secret_key'] input";
		this.browser.visible(perPage + " input");
		this.browser.type(".field[data-path='site.title'] input", this.title);
		this.browser.type(perPage + " input", "9999");
		this.browser.find("#config-save").click();
		WebElement error = this.browser.visible(perPage + " .field-error");
		assertThat(error.getText()).isNotBlank().doesNotContain("^");
		assertThat(this.browser.text("#config-message")).contains("Some fields need attention");
		assertThat(this.browser.find(".field[data-path='site.title'] .field-error").isDisplayed()).isFalse();
		shot("config");

		// fixing the field takes the banner away, before any save
		this.browser.type(perPage + " input", "25");
		this.browser.find(".field[data-path='site.title'] input").click();
		this.browser.waitFor(Duration.ofSeconds(15))
			.until((driver) -> !this.browser.text("#config-message").contains("need attention"));
		assertThat(this.browser.find(perPage + " .field-error").isDisplayed()).isFalse();
		this.browser.find(secret).sendKeys("s3cret-value");
		this.browser.find("#config-save").click();
		this.browser.waitForText("#config-message", "Saved", Duration.ofSeconds(60));
		// the form now shows what the server keeps: the secret as set, the values saved
		this.browser.visible(secret);
		assertThat(this.browser.find(secret).getAttribute("value")).isEmpty();
		assertThat(this.browser.find(secret).getAttribute("placeholder")).contains("Saved");
		assertThat(this.browser.find(perPage + " input").getAttribute("value")).isEqualTo("25");
		// a field cleared back to its default shows the default the server stored
		this.browser.type(perPage + " input", "");
		this.browser.find("#config-save").click();
		this.browser.waitFor(Duration.ofSeconds(60))
			.until((driver) -> "20".equals(this.browser.find(perPage + " input").getAttribute("value")));
		assertThat(this.browser.find(secret).getAttribute("placeholder")).contains("Saved");
		JsonNode values = result(call("config.get", "{\"name\":\"guestbook\"}")).path("values");
		assertThat(values.path("site").path("title").asString()).isEqualTo(this.title);
		assertThat(values.path("site").path("entries_per_page").asInt()).isEqualTo(20);
		assertThat(values.path("site").path("secret_key").path("set").asBoolean()).isTrue();
	}

	@Test
	@Order(13)
	void mountFormDefaultsStagedAgainstLiveWithADiffAndOneApply() throws Exception {
		this.webPort = freePort();
		this.browser.open("/servers");
		this.browser.waitForText("#webserver-facts", "nginx", Duration.ofSeconds(15));
		this.browser.find("#server-form").findElement(By.xpath("./..")).findElement(By.tagName("summary")).click();
		this.browser.type("#server-name", "uitest");
		this.browser.type("#server-hostnames", "localhost");
		this.browser.type("#server-listen", "127.0.0.1:" + this.webPort);
		this.browser.find("#server-form button[type=submit]").click();
		this.browser.visible("#servers tr[data-server=uitest]");
		this.mounted = true;
		this.browser.waitForText("#servers-message", "added", Duration.ofSeconds(10));
		this.browser.find("#mount-form").findElement(By.xpath("./..")).findElement(By.tagName("summary")).click();
		// the only server is chosen already; the app is left for the operator to choose
		this.browser.waitFor(Duration.ofSeconds(10))
			.until((driver) -> "uitest"
				.equals(new Select(this.browser.find("#mount-server")).getFirstSelectedOption().getAttribute("value")));
		assertThat(new Select(this.browser.find("#mount-app")).getFirstSelectedOption().getText())
			.isEqualTo("Choose an app");
		this.browser.find("#mount-form button[type=submit]").click();
		WebElement appError = this.browser.visible("[data-error-for=app]");
		assertThat(appError.getText()).isEqualTo("choose the app to mount, or give a static folder");
		assertThat(this.browser.text("#mount-form")).doesNotContain("^[a-z]").doesNotContain("mounts.add");
		new Select(this.browser.find("#mount-app")).selectByValue("guestbook");
		assertThat(this.browser.find("#mount-path").getAttribute("value")).isEqualTo("/guestbook");
		this.browser.find("#mount-form button[type=submit]").click();
		this.browser.waitForText("#mounts", "/guestbook", Duration.ofSeconds(10));
		// staged, not live: the badge, the changes in words and the diff of the file
		// (the tables are drawn before the web server's status is read again)
		this.browser.waitForText("#pending-changes", "mount uitest /guestbook added (app guestbook)",
				Duration.ofSeconds(15));
		this.browser.visible("#pending-badge");
		assertThat(this.browser.text("#pending-changes")).contains("server uitest added");
		this.browser.find("#pending-diff-box summary").click();
		assertThat(this.browser.text("#pending-diff")).contains("+++ staged")
			.contains("listen 127.0.0.1:" + this.webPort);
		assertThat(this.browser.text("#pending-diff .add")).startsWith("+");
		this.browser.waitForText("#servers-message", "mounted", Duration.ofSeconds(10));
		shot("servers");
		this.browser.find("#apply").click();
		this.browser.waitFor(Duration.ofSeconds(90)).until((driver) -> {
			WebElement message = this.browser.find("#apply-message");
			return message.isDisplayed() && !message.getText().startsWith("Testing");
		});
		assertThat(this.browser.find("#apply-message").getAttribute("class"))
			.as(this.browser.text("#apply-message") + "\n" + this.browser.text("#apply-log"))
			.contains("ok");
		// the earlier result went when the new one came
		assertThat(this.browser.find("#servers-message").isDisplayed()).isFalse();
		this.browser.waitFor(Duration.ofSeconds(15))
			.until((driver) -> !this.browser.find("#pending-badge").isDisplayed());
		assertThat(this.browser.find("#no-pending").isDisplayed()).isTrue();
		assertThat(this.browser.text("#webserver-state")).isEqualTo("running");
		assertThat(this.browser.text("#webserver-facts")).containsPattern("PID\\s+\\d+");
		shot("servers-applied");

		this.browser.open("http://127.0.0.1:" + this.webPort + "/guestbook/");
		WebElement heading = this.browser.visible("h1", Duration.ofSeconds(30));
		assertThat(heading.getText()).isEqualTo(this.title);
		shot("guestbook-through-webserver");
	}

	@Test
	@Order(14)
	void dashboardAndAppPageShowHealthAndTheLiveUrl() throws Exception {
		String url = "http://localhost:" + this.webPort + "/guestbook/";
		this.browser.open("/apps");
		// the dashboard redraws a row's cells when what they show changed: read
		// them again when they were redrawn between finding and reading
		this.browser.visible("tr[data-app=guestbook] .c-url a", Duration.ofSeconds(15));
		assertThat(this.browser.attribute("tr[data-app=guestbook] .c-url a", "href")).isEqualTo(url);
		this.browser.waitFor(Duration.ofSeconds(60))
			.until((driver) -> "up".equals(this.browser.text("tr[data-app=guestbook] .c-health")));
		assertThat(this.browser.attribute("tr[data-app=guestbook] .c-health .badge", "title"))
			.contains("health check passed");
		this.browser.open("/apps/guestbook");
		// the summary is drawn again every 5 s
		this.browser.visible("#app-summary a.app-url");
		assertThat(this.browser.attribute("#app-summary a.app-url", "href")).isEqualTo(url);
		// the URL works through the web server
		assertThat(this.http
			.send(HttpRequest.newBuilder(URI.create(url.replace("localhost", "127.0.0.1"))).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(200);
		shot("app");
	}

	@Test
	@Order(15)
	void aRecordTheAppWritesAppearsInTheLiveTail() throws Exception {
		this.browser.open("/logs?app=guestbook");
		this.browser.waitFor(Duration.ofSeconds(15))
			.until((driver) -> "guestbook"
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
	@Order(16)
	void theAppPageChartsAndTheDashboardSparklineCarryData() throws Exception {
		for (int i = 0; i < 10; i++) {
			this.http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/guestbook/")).build(),
					HttpResponse.BodyHandlers.discarding());
		}
		// the charts are drawn from the samples of the last seconds: reload until every
		// series has points (latency needs a step with requests in it)
		this.browser.waitFor(Duration.ofSeconds(120)).pollingEvery(Duration.ofSeconds(3)).until((driver) -> {
			this.browser.open("/apps/guestbook");
			try {
				BrowserSession.waitOn(driver, Duration.ofSeconds(10))
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
		// the sparkline is drawn again with the refreshes that fetch new points
		this.browser.visible("tr[data-app=guestbook] .sparkline", Duration.ofSeconds(30));
		assertThat(Integer.parseInt(this.browser.attribute("tr[data-app=guestbook] .sparkline", "data-points")))
			.isPositive();
		assertThat(this.browser.driver().findElements(By.cssSelector("tr[data-app=guestbook] .sparkline canvas")))
			.isNotEmpty();
		shot("dashboard-desktop");
	}

	@Test
	@Order(17)
	void aFailingUpgradeShowsItsCauseAndWhatIsStillLive() throws Exception {
		Path broken = brokenVersion("1.1.0");
		try {
			this.browser.open("/apps/install");
			this.browser.visible("#archive-file").sendKeys(broken.toString());
			// an upload for an installed app says what it does and asks
			WebElement ask = this.browser.visible("#install-confirm", Duration.ofSeconds(60));
			assertThat(ask.getText()).contains("1.0.0 → 1.1.0");
			assertThat(this.browser.text("#install-confirm-ok")).isEqualTo("Upgrade");
			this.browser.find("#install-confirm-ok").click();
			this.browser.waitFor(LONG_WORK)
				.until((driver) -> !driver.findElements(By.cssSelector("#install-done, #install-step.error"))
					.isEmpty());
			assertThat(this.browser.text("#install-title")).isEqualTo("Install failed");
			assertThat(this.browser.find("#install-step").getAttribute("class")).contains("error");
			// the root cause from the release's own output, styled as an error
			WebElement cause = this.browser.visible("#install-cause");
			assertThat(cause.getText()).contains("ModuleNotFoundError").contains("guestbook_reports");
			assertThat(cause.getAttribute("class")).contains("error");
			assertThat(this.browser.text("#install-cause-excerpt")).contains("Traceback")
				.contains("import guestbook_reports");
			assertThat(this.browser.text("#install-live")).contains("1.0.0 is still live");
			shotOf("install-failed", "#install-cause");
			// the logs of exactly that deploy, oldest first
			this.browser.find("#install-deploy-log").click();
			this.browser.waitForText("#log-records", "ModuleNotFoundError", Duration.ofSeconds(30));
			assertThat(this.browser.driver().getCurrentUrl()).contains("app=guestbook").contains("release=1.1.0-");
			assertThat(this.browser.find("#log-release").getAttribute("value")).startsWith("1.1.0-");
			assertThat(this.browser.text("#log-timezone")).contains("UTC");
			shot("logs-deploy");
		}
		finally {
			Files.deleteIfExists(broken);
		}
		// the app page says the same, and its releases offer no rollback to the
		// failed one
		this.browser.open("/apps/guestbook");
		WebElement failure = this.browser.visible("#deploy-failure");
		assertThat(failure.getText()).contains("The deploy of 1.1.0 failed")
			.contains("ModuleNotFoundError")
			.contains("1.0.0 is still live");
		// the releases are drawn again every 5 s: nothing found in them is kept
		this.browser.find("#releases tr.failed-row");
		assertThat(this.browser.driver().findElements(By.cssSelector("#releases tr.failed-row button.rollback")))
			.isEmpty();
		assertThat(this.browser.attribute("#releases tr.failed-row a.deploy-log", "href")).contains("release=1.1.0-");
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("version").asString()).isEqualTo("1.0.0");
		// the last error, with its time, until acknowledged
		// in the summary, drawn again every 5 s: clicked as found then
		this.browser.visible("#acknowledge", Duration.ofSeconds(30));
		assertThat(this.browser.text("#app-summary")).contains("Last error").contains("ago");
		shot("app-failed");
		this.browser.click("#acknowledge");
		this.browser.waitForText("#app-summary", "none since acknowledged", Duration.ofSeconds(15));
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("last_error").isNull()).isTrue();
	}

	@Test
	@Order(18)
	void reUploadingTheLiveArchiveSaysItIsIdenticalAndAsks() throws Exception {
		int releases = result(call("apps.get", "{\"name\":\"guestbook\"}")).path("releases").size();
		this.browser.open("/apps/install");
		this.browser.visible("#archive-file").sendKeys(GUESTBOOK.toAbsolutePath().toString());
		WebElement ask = this.browser.visible("#install-confirm", Duration.ofSeconds(60));
		assertThat(ask.getText()).contains("identical to the live release");
		this.browser.find("#install-confirm-cancel").click();
		this.browser.waitForText("#upload-errors", "Not installed", Duration.ofSeconds(10));
		assertThat(this.browser.find("#install-progress").isDisplayed()).isFalse();
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("releases").size()).isEqualTo(releases);
	}

	@Test
	@Order(19)
	void stopAsksFirstAndOnlyPossibleActionsAreOffered() throws Exception {
		this.browser.open("/apps/guestbook");
		this.browser.waitForText("#app-summary", "running", Duration.ofSeconds(15));
		this.browser.click("[data-action='apps.stop']");
		assertThat(this.browser.confirm(false)).contains("Stop guestbook?").contains("URLs answer with an error");
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("state").asString()).isEqualTo("running");
		this.browser.click("[data-action='apps.stop']");
		this.browser.confirm(true);
		this.browser.visible("[data-action='apps.start']", Duration.ofSeconds(60));
		assertThat(this.browser.find("[data-action='apps.stop']").isDisplayed()).isFalse();
		this.browser.click("[data-action='apps.start']");
		this.browser.visible("[data-action='apps.stop']", Duration.ofSeconds(90));
		// Stop is offered from "starting" on; the health check makes it "running"
		await().atMost(Duration.ofSeconds(90))
			.untilAsserted(
					() -> assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("state").asString())
						.isEqualTo("running"));
	}

	@Test
	@Order(20)
	void changingTheEnvironmentSendsOnlyTheChangeAndAsksToRestartNow() throws Exception {
		this.browser.open("/apps/guestbook");
		this.browser.waitForText("#app-summary", "running", Duration.ofSeconds(15));
		this.browser.visible("#env-add").click();
		this.browser.visible("#env-rows .env-key").sendKeys("GREETING");
		this.browser.find("#env-rows .env-value").sendKeys("hello");
		this.browser.find("#env-form button[type=submit]").click();
		this.browser.waitForText("#env-saved", "restart it now?", Duration.ofSeconds(15));
		assertThat(this.browser.text("#env-saved")).contains("Saved (set GREETING). guestbook runs with the old");
		long pid = result(call("apps.get", "{\"name\":\"guestbook\"}")).path("process").path("pid").asLong();
		this.browser.find("#env-restart").click();
		this.browser.waitForText("#env-saved", "Restarted", Duration.ofSeconds(90));
		assertThat(result(call("apps.get", "{\"name\":\"guestbook\"}")).path("process").path("pid").asLong())
			.isNotEqualTo(pid);

		// another operator sets a variable while this form is being edited: the save
		// sends only what the form changed (merge), so it is kept; the form used to send
		// every variable it had loaded, which dropped it
		this.browser.find("#env-add").click();
		this.browser.visible("#env-rows .env-row:last-child .env-key").sendKeys("LOCAL");
		this.browser.find("#env-rows .env-row:last-child .env-value").sendKeys("form");
		setEnv("{\"LATE\":\"api\"}", null);
		this.browser.find("#env-form button[type=submit]").click();
		this.browser.waitForText("#env-saved", "Saved (set LOCAL).", Duration.ofSeconds(15));
		assertThat(env()).containsExactly(Map.entry("GREETING", "hello"), Map.entry("LATE", "api"),
				Map.entry("LOCAL", "form"));
		// the form shows the variables as saved, the other operator's too
		assertThat(envKeys()).containsExactlyInAnyOrder("GREETING", "LATE", "LOCAL");

		// removing a row removes that variable only; the form's older value of one the
		// other operator changed meanwhile does not overwrite it
		setEnv("{\"LATE\":\"newer\"}", null);
		this.browser.click("#env-rows button[aria-label='Remove LOCAL']");
		this.browser.find("#env-form button[type=submit]").click();
		this.browser.waitForText("#env-saved", "Saved (removed LOCAL).", Duration.ofSeconds(15));
		assertThat(env()).containsExactly(Map.entry("GREETING", "hello"), Map.entry("LATE", "newer"));

		// nothing changed since the save: nothing is sent
		int saves = envSaves();
		this.browser.find("#env-form button[type=submit]").click();
		this.browser.waitForText("#env-saved", "Nothing to save", Duration.ofSeconds(15));
		assertThat(envSaves()).isEqualTo(saves);
		assertThat(this.browser.find("#env-restart").isDisplayed()).isFalse();

		// as the viewer step (order 30) expects: GREETING only
		setEnv("{}", "[\"LATE\"]");
		assertThat(env()).containsExactly(Map.entry("GREETING", "hello"));
	}

	/** What another operator does: apps.env.set with merge, without restarting. */
	private void setEnv(String env, @Nullable String unset) throws Exception {
		result(call("apps.env.set", "{\"name\":\"guestbook\",\"env\":" + env + ",\"merge\":true,\"restart\":false"
				+ ((unset != null) ? ",\"unset\":" + unset : "") + "}"));
	}

	private Map<String, String> env() throws Exception {
		Map<String, String> env = new TreeMap<>();
		result(call("apps.get", "{\"name\":\"guestbook\"}")).path("env")
			.properties()
			.forEach((entry) -> env.put(entry.getKey(), entry.getValue().asString()));
		return env;
	}

	/** The calls of apps.env.set so far, as the audit log holds them. */
	private int envSaves() throws Exception {
		return result(call("audit.query", "{\"method\":\"apps.env.set\",\"limit\":1000}")).path("records").size();
	}

	private List<String> envKeys() {
		return this.browser.driver()
			.findElements(By.cssSelector("#env-rows .env-key"))
			.stream()
			.map((input) -> input.getAttribute("value"))
			.toList();
	}

	@Test
	@Order(21)
	void tasksShowTheirNextRunOutputAndHistory() throws Exception {
		this.browser.open("/apps/guestbook");
		WebElement row = this.browser.visible("#tasks tr[data-task=purge-sessions]", Duration.ofSeconds(15));
		assertThat(row.findElement(By.cssSelector("[data-label='Next run'] time"))).isNotNull();
		row.findElement(By.cssSelector("button[data-needs]")).click();
		this.browser.waitForText("#tasks-message", "purge-sessions", Duration.ofSeconds(60));
		WebElement history = this.browser.visible("#task-history", Duration.ofSeconds(15));
		// the task's own schedule (every minute) may have a run in the history first
		this.browser.waitForText("#task-history", "manual", Duration.ofSeconds(60));
		assertThat(history.getText()).contains("Runs of purge-sessions");
		assertThat(this.browser.text("#task-runs .run pre")).isNotBlank();
	}

	@Test
	@Order(22)
	void alertRulesWarnWithoutSmtpAndSendATest() throws Exception {
		com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer
			.create(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		receiver.createContext("/alert", (exchange) -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		receiver.start();
		try {
			this.browser.open("/notifications");
			this.browser.visible("#rule-target")
				.sendKeys("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alert");
			this.browser.find("#rule-form button[type=submit]").click();
			this.browser.waitForText("#rules-message", "Rule added", Duration.ofSeconds(15));
			WebElement test = this.browser.visible("#rules button.test");
			test.click();
			this.browser.waitForText("#rules-message", "The test reached", Duration.ofSeconds(30));
			assertThat(received).hasSize(1);
			assertThat(received.get(0)).contains("\"kind\":\"test\"");
			this.browser.waitForText("#rules [data-label='Last delivery']", "sent", Duration.ofSeconds(15));
			// an e-mail rule is accepted, with a warning that it cannot send yet
			new Select(this.browser.find("#rule-channel")).selectByValue("email");
			this.browser.type("#rule-target", "ops@example.org");
			this.browser.find("#rule-form button[type=submit]").click();
			this.browser.waitForText("#rules-message", "no SMTP server is configured", Duration.ofSeconds(15));
			assertThat(this.browser.find("#rules-message").getAttribute("class")).contains("warn");
			this.browser.waitForText("#rules", "cannot send e-mail", Duration.ofSeconds(15));
			shot("notifications");
			for (JsonNode rule : result(call("notifications.rules.list", null))) {
				call("notifications.rules.remove", "{\"id\":\"" + rule.path("id").asString() + "\"}");
			}
		}
		finally {
			receiver.stop(0);
		}
	}

	@Test
	@Order(23)
	void gitAppsShowTheirSourceUpdateRollBackAndHooks() throws Exception {
		Path dir = Files.createTempDirectory(Path.of("/tmp"), "uigit");
		try (GitFixture git = new GitFixture(dir)) {
			String first = git.commit(GitFixture.app("gitdemo", "1.0.0"), "first");
			this.browser.open("/apps/install");
			// the fields of the chosen strategy only
			assertThat(this.browser.visible("#git-branch").isDisplayed()).isTrue();
			assertThat(this.browser.find("#git-tag-pattern").isDisplayed()).isFalse();
			new Select(this.browser.find("#git-strategy")).selectByValue("latest-tag");
			assertThat(this.browser.find("#git-tag-pattern").isDisplayed()).isTrue();
			assertThat(this.browser.find("#git-branch").isDisplayed()).isFalse();
			new Select(this.browser.find("#git-strategy")).selectByValue("one-branch");
			// an unreachable repository: one clear sentence, once
			this.browser.type("#git-url", dir.resolve("nothing-here.git").toUri().toString());
			this.browser.find("#git-form button[type=submit]").click();
			this.browser.waitForText("#install-step", "no git repository was found", LONG_WORK);
			String page = this.browser.text("main");
			assertThat(page.split("no git repository was found", -1)).hasSize(2);
			assertThat(page).doesNotContain("Invalid remote");
			// a poll interval the server refuses, beside its field; then one it takes
			this.browser.type("#git-url", git.url());
			this.browser.type("#git-poll-interval", "5");
			this.browser.find("#git-form button[type=submit]").click();
			this.browser.waitForText("#git-poll-error", "at least 10s", LONG_WORK);
			this.browser.type("#git-poll-interval", "1m");
			this.browser.find("#git-form button[type=submit]").click();
			this.browser.waitFor(LONG_WORK)
				.until((driver) -> !driver.findElements(By.cssSelector("#install-done, #install-step.error"))
					.isEmpty());
			assertThat(this.browser.driver().findElements(By.id("install-done")))
				.as(() -> this.browser.text("#install-progress"))
				.isNotEmpty();
			this.gitApp = true;

			this.browser.open("/apps/gitdemo");
			this.browser.waitForText("#app-summary", "one branch: main", Duration.ofSeconds(15));
			assertThat(this.browser.text("#app-summary")).contains(git.url()).contains(first.substring(0, 12));
			assertThat(this.browser.text("#releases")).contains(first.substring(0, 12));
			WebElement update = this.browser.visible("#update-now");
			update.click();
			this.browser.waitForText("#app-message", "already at the newest revision", LONG_WORK);
			String second = git.commit(GitFixture.app("gitdemo", "1.0.1"), "second");
			this.browser.find("#update-now").click();
			this.browser.waitForText("#app-message", "Updated: gitdemo now runs 1.0.1", LONG_WORK);
			this.browser.waitForText("#releases", second.substring(0, 12), Duration.ofSeconds(15));
			// roll back after a confirmation that names both versions
			this.browser.click("#releases button.rollback");
			assertThat(this.browser.confirm(false)).contains("Roll back gitdemo to 1.0.0?").contains("1.0.1");
			assertThat(result(call("apps.get", "{\"name\":\"gitdemo\"}")).path("version").asString())
				.isEqualTo("1.0.1");
			this.browser.click("#releases button.rollback");
			this.browser.confirm(true);
			this.browser.waitForText("#app-message", "Rolled back", LONG_WORK);
			assertThat(result(call("apps.get", "{\"name\":\"gitdemo\"}")).path("version").asString())
				.isEqualTo("1.0.0");

			// a hook: its URL to copy, who can reach it, how to sign, its last delivery
			new Select(this.browser.find("#hook-provider")).selectByValue("generic");
			this.browser.find("#hook-form button[type=submit]").click();
			this.browser.visible("#hook-created");
			WebElement hook = this.browser.visible("#hooks li.hook", Duration.ofSeconds(15));
			String url = hook.findElement(By.cssSelector(".hook-url")).getText();
			assertThat(url).startsWith("http://127.0.0.1:" + this.port + "/hooks/");
			assertThat(hook.findElement(By.cssSelector("button.copy")).getText()).isEqualTo("Copy");
			assertThat(hook.findElement(By.cssSelector(".hook-loopback")).getText()).contains("this machine only");
			assertThat(hook.findElement(By.cssSelector(".hook-signature")).getText())
				.contains("X-Pyapp-Signature: sha256=");
			assertThat(hook.findElement(By.cssSelector(".hook-delivery")).getText()).contains("none yet");
			HttpResponse<String> unsigned = this.http.send(HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"refs/heads/main\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(unsigned.statusCode()).isEqualTo(401);
			this.browser.open("/apps/gitdemo");
			this.browser.waitForText("#hooks .hook-delivery", "unauthorized (HTTP 401)", Duration.ofSeconds(15));
			shot("app-git");
			shotOf("app-git-hooks", "#hooks");
		}
		finally {
			FileSystemUtils.deleteRecursively(dir);
		}
	}

	@Test
	@Order(24)
	void theDashboardOf23AppsSearchesFiltersAndKeepsFocusAcrossRefreshes() throws Exception {
		// apps registered without a release: cheap, and each lists as stopped
		int existing = result(call("apps.list", null)).size();
		for (int i = 1; existing + this.extraApps.size() < 23; i++) {
			String name = String.format("shop-%02d", i);
			this.registry
				.save(new InstalledApp(name, AppSource.archive(), null, Map.of(), Instant.now(), Instant.now()));
			this.extraApps.add(name);
		}
		this.browser.open("/apps");
		this.browser.waitForText("#state-counts", "23 apps", Duration.ofSeconds(20));
		assertThat(this.browser.text("#state-counts")).contains("running").contains("stopped");
		assertThat(this.browser.driver().findElements(By.cssSelector("#apps tr[data-app]"))).hasSize(23);
		// per-row actions
		assertThat(this.browser.text("tr[data-app=guestbook] [data-role=restart]")).isEqualTo("Restart");
		assertThat(this.browser.attribute("tr[data-app=guestbook] [data-role=logs]", "href"))
			.endsWith("/logs?app=guestbook");
		shot("dashboard-desktop");
		phoneShot("dashboard-phone", "/apps");

		// search narrows the rows, and keeps the focus and the text across refreshes
		// (every 500 ms instead of 5 s: the refreshes are what counts here)
		try (AutoCloseable quick = this.browser.quickRefreshes(500)) {
			this.browser.open("/apps");
			this.browser.waitForText("#state-counts", "23 apps", Duration.ofSeconds(20));
			WebElement search = this.browser.find("#app-search");
			search.click();
			search.sendKeys("shop-1");
			this.browser.waitForText("#state-counts", "showing 10", Duration.ofSeconds(10));
			assertThat(this.browser.driver().getCurrentUrl()).contains("q=shop-1");
			awaitRefreshes(2);
			assertThat(this.browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("app-search");
			assertThat(search.getAttribute("value")).isEqualTo("shop-1");
			// a row's own link keeps its focus too: the row is updated in place,
			// not rebuilt
			WebElement logs = this.browser.find("tr[data-app=shop-10] [data-role=logs]");
			this.browser.driver().executeScript("arguments[0].dataset.marker = 'kept'; arguments[0].focus()", logs);
			awaitRefreshes(2);
			assertThat(this.browser.driver().switchTo().activeElement().getAttribute("data-marker")).isEqualTo("kept");
			// the state filter and the sort
			this.browser.type("#app-search", "");
			new Select(this.browser.find("#state-filter")).selectByValue("running");
			this.browser.waitForText("#state-counts", "showing", Duration.ofSeconds(10));
			assertThat(this.browser.driver().findElements(By.cssSelector("#apps tr[data-app]:not([hidden])")))
				.allMatch((row) -> row.getText().contains("running"));
			new Select(this.browser.find("#state-filter")).selectByValue("");
			new Select(this.browser.find("#app-sort")).selectByValue("state");
			assertThat(this.browser.driver().getCurrentUrl()).contains("sort=state");
		}
	}

	@Test
	@Order(25)
	void missingPagesAndAppsGetAStyledNotFound() throws Exception {
		this.browser.open("/no/such/page");
		assertThat(this.browser.visible("#not-found").getText()).contains("/no/such/page");
		assertThat(this.browser.text("body")).doesNotContain("Whitelabel");
		assertThat(this.browser.find("link[rel=stylesheet]").getAttribute("href")).endsWith("/css/app.css");
		shot("not-found");
		this.browser.open("/apps/nope");
		assertThat(this.browser.visible("#not-found").getText()).isEqualTo("No app named 'nope' is installed.");
		assertThat(this.browser.driver().findElements(By.cssSelector("[data-action]"))).isEmpty();
		assertThat(this.browser.text("h1")).isEqualTo("No such app");
		shot("no-such-app");
	}

	@Test
	@Order(26)
	void theServerPageShowsVersionWebServerPythonAndFolders() throws Exception {
		this.browser.open("/server");
		this.browser.waitForText("#server-facts", "PYAPP_HOME", Duration.ofSeconds(15));
		assertThat(this.browser.text("#server-home")).isEqualTo(home.toString());
		assertThat(this.browser.text("#server-dropbox")).isEqualTo(home.resolve("dropbox").toString());
		assertThat(this.browser.text("#server-version")).isNotBlank();
		assertThat(this.browser.text("#server-webserver-kind")).startsWith("nginx");
		assertThat(this.browser.text("#server-webserver-state")).isEqualTo("running");
		assertThat(this.browser.driver().findElements(By.cssSelector("#interpreters tr"))).isNotEmpty();
		assertThat(this.browser.text("#interpreters")).contains("python3");
		shot("server");
	}

	@Test
	@Order(27)
	void anExpiredSessionSaysSoAndReturnsToThePage() throws Exception {
		// the page's next refresh finds out: every 500 ms instead of 5 s
		try (AutoCloseable quick = this.browser.quickRefreshes(500)) {
			this.browser.open("/apps/guestbook");
		}
		this.browser.visible("#app-summary");
		// as after a restart of the server: the browser's session is unknown to it
		// (the cookie is replaced in one step: a refresh sent between a delete and
		// an add would carry no session at all, and the login page would not say
		// "expired")
		this.browser.driver()
			.manage()
			.addCookie(new org.openqa.selenium.Cookie("JSESSIONID", "0123456789ABCDEF0123456789ABCDEF", "/"));
		WebElement expired = this.browser.visible("#session-expired", Duration.ofSeconds(30));
		assertThat(expired.getText()).contains("Your session has expired");
		shot("session-expired");
		logIn(this.browser, "admin", Files.readString(home.resolve("initial-admin-password")).trim());
		this.browser.waitFor(Duration.ofSeconds(15))
			.until((driver) -> driver.getCurrentUrl().contains("/apps/guestbook"));
		this.browser.visible("#app-summary");
	}

	@Test
	@Order(28)
	void theAuditPageShowsWhoChangedWhatWithFilters() throws Exception {
		this.browser.open("/audit");
		this.browser.visible("#audit-records tr");
		this.browser.type("#audit-method", "apps.*");
		this.browser.find("#audit-form button[type=submit]").click();
		this.browser.waitFor(Duration.ofSeconds(15))
			// the rows are replaced when the answer arrives
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> {
				List<WebElement> rows = driver.findElements(By.cssSelector("#audit-records tr[data-id]"));
				return !rows.isEmpty() && rows.stream().allMatch((row) -> row.getText().contains("apps."));
			});
		if (this.installed) {
			assertThat(this.browser.text("#audit-records")).contains("apps.install").contains("admin");
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
	@Order(29)
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
			assertThat(this.browser.text("#nodes tr[data-node=uinode]")).contains(sshd.hostKeyFingerprint())
				.contains("added");
			// the agent in a home and on a port of this test's own (the "node" is
			// this host)
			this.browser.find("#install-options summary").click();
			this.browser.type("#install-home", dir.resolve("agent").toString());
			this.browser.type("#install-port", String.valueOf(freePort()));
			this.browser.click("#nodes tr[data-node=uinode] button.install");
			// the install's steps appear while nodes.install runs
			this.browser.waitFor(Duration.ofSeconds(60)).until((driver) -> {
				String step = this.browser.text("#install-step");
				return step.matches("(?s)^(connect|check|packages|upload|service|start): .*")
						|| step.startsWith("Installed");
			});
			this.browser.waitFor(LONG_WORK).until((driver) -> {
				String classes = this.browser.find("#install-step").getAttribute("class");
				return classes != null && (classes.contains("ok") || classes.contains("error"));
			});
			assertThat(this.browser.find("#install-step").getAttribute("class"))
				.as(this.browser.text("#install-progress"))
				.contains("ok");
			this.browser.waitForText("#nodes tr[data-node=uinode]", "installed", Duration.ofSeconds(30));
			shot("nodes");
			// the page of an app on the node: its calls go to the node's agent, which has
			// no
			// guestbook (this server's guestbook would have answered a call without the
			// node)
			this.browser.open("/apps/guestbook?node=uinode");
			assertThat(this.browser.text("h1")).isEqualTo("guestbook on node uinode");
			assertThat(this.browser.text("#app-node")).contains("on node uinode");
			this.browser.waitForText("#app-message", "Cannot load guestbook on node uinode: ", Duration.ofSeconds(30));
			assertThat(this.browser.text("#app-message")).contains("guestbook").contains("Back to the apps");
			this.browser.open("/nodes");
			this.browser.visible("#nodes tr[data-node=uinode]");
			this.browser.click("#nodes tr[data-node=uinode] button.remove");
			assertThat(this.browser.confirm(true)).contains("Remove the node uinode?");
			this.browser.waitForText("#nodes-message", "removed", LONG_WORK);
			this.browser.waitFor(Duration.ofSeconds(15))
				.until((driver) -> driver.findElements(By.cssSelector("#nodes tr[data-node=uinode]")).isEmpty());
		}
		finally {
			// the agent, when a failure came before the node's removal stopped it
			for (String pid : List.of("agent.pid", "agent-java.pid")) {
				Path file = dir.resolve("agent").resolve(pid);
				if (Files.exists(file)) {
					ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).ifPresent(ProcessHandle::destroy);
				}
			}
			org.springframework.util.FileSystemUtils.deleteRecursively(dir);
		}
	}

	@Test
	@Order(30)
	void aViewerSeesNoButtonThatChangesAnything() throws Exception {
		JsonNode created = result(call("users.create", "{\"username\":\"uiviewer\",\"role\":\"viewer\"}"));
		String password = created.path("password").asString();
		// the same browser without the admin's cookies (it keeps no other state of the
		// server's: no storage), then with them again: no second Chromium to start
		BrowserSession viewer = this.browser;
		Set<Cookie> admin = viewer.driver().manage().getCookies();
		viewer.driver().manage().deleteAllCookies();
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
				// env-ops: the variables' names, not their values (GREETING=hello,
				// order 20)
				viewer.waitForText("#env-names", "GREETING (values are shown to deployers and admins only)",
						Duration.ofSeconds(15));
				assertThat(viewer.find("#env-form").isDisplayed()).isFalse();
				assertThat(viewer.driver().getPageSource()).doesNotContain("\"hello\"");
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
			viewer.driver().manage().deleteAllCookies();
			admin.forEach(viewer.driver().manage()::addCookie);
		}
		this.browser.open("/apps");
		assertThat(this.browser.text(".logout .user")).isEqualTo("admin");
	}

	@Test
	@Order(35)
	void removingAMountAndAServerAsksFirstThenStagesUntilApplied() throws Exception {
		this.browser.open("/servers");
		String mountRemove = "#mounts tr[data-mount='uitest/guestbook'] button.secondary-danger";
		this.browser.visible(mountRemove, Duration.ofSeconds(15)).click();
		assertThat(this.browser.confirm(false)).contains("Remove the mount /guestbook of uitest?")
			.contains("no longer reaches guestbook");
		assertThat(result(call("mounts.list", null)).size()).isEqualTo(1);
		this.browser.find(mountRemove).click();
		this.browser.confirm(true);
		this.browser.waitForText("#servers-message", "Removed (staged)", Duration.ofSeconds(15));
		this.browser.waitForText("#pending-changes", "mount uitest /guestbook removed", Duration.ofSeconds(15));
		assertThat(this.browser.find("#pending-badge").isDisplayed()).isTrue();
		// still live until applied
		assertThat(this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/guestbook/")).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(200);
		String serverRemove = "#servers tr[data-server=uitest] button.secondary-danger";
		this.browser.visible(serverRemove).click();
		assertThat(this.browser.confirm(true)).contains("Remove the virtual server uitest?")
			.contains("nothing answers on 127.0.0.1:" + this.webPort);
		this.browser.waitForText("#pending-changes", "server uitest removed", Duration.ofSeconds(15));
		this.browser.find("#apply").click();
		this.browser.waitFor(Duration.ofSeconds(90)).until((driver) -> {
			WebElement message = this.browser.find("#apply-message");
			return message.isDisplayed() && !message.getText().startsWith("Testing");
		});
		assertThat(this.browser.find("#apply-message").getAttribute("class")).as(this.browser.text("#apply-message"))
			.contains("ok");
		this.browser.waitFor(Duration.ofSeconds(15))
			.until((driver) -> !this.browser.find("#pending-badge").isDisplayed());
		this.mounted = false;
	}

	@Test
	@Order(31)
	void everyPagePassesAnAccessibilityScanAtDesktopAndPhoneWidth() throws Exception {
		// each page's screenshot at 1280 px unless an earlier step took it with more to
		// see, and at 390 px
		Map<String, String> pages = new LinkedHashMap<>();
		pages.put("/apps", "dashboard");
		pages.put("/apps/install", "install");
		pages.put("/apps/guestbook", "app");
		pages.put("/apps/guestbook/config", "config");
		pages.put("/servers", "servers");
		pages.put("/logs?app=guestbook", "logs");
		pages.put("/notifications", "notifications");
		pages.put("/server", "server");
		pages.put("/nodes", "nodes");
		pages.put("/audit", "audit");
		pages.put("/users", "users");
		pages.put("/tokens", "tokens");
		pages.put("/account/password", "password");
		pages.put("/apps/nope", "no-such-app");
		pages.put("/no/such/page", "not-found");
		List<String> violations = new ArrayList<>();
		for (Map.Entry<String, String> page : pages.entrySet()) {
			this.browser.open(page.getKey());
			settle();
			this.browser.seriousAccessibilityViolations()
				.forEach((violation) -> violations.add(page.getKey() + " (1280 px): " + violation));
			String desktop = page.getValue().equals("dashboard") ? "dashboard-desktop" : page.getValue();
			if (!this.screenshots.contains(desktop)) {
				shot(desktop);
			}
			this.browser.phone();
			try {
				this.browser.open(page.getKey());
				settle();
				this.browser.seriousAccessibilityViolations()
					.forEach((violation) -> violations.add(page.getKey() + " (390 px): " + violation));
				Long width = (Long) this.browser.driver().executeScript("return document.documentElement.scrollWidth");
				assertThat(width).as(page.getKey() + ": no horizontal scrolling at phone width")
					.isLessThanOrEqualTo(390L);
				if (!this.screenshots.contains(page.getValue() + "-phone")) {
					shot(page.getValue() + "-phone");
				}
			}
			finally {
				this.browser.desktop();
			}
		}
		// the confirmation dialog, open
		this.browser.open("/apps/guestbook");
		this.browser.visible("[data-action='apps.stop']").click();
		this.browser.visible("#confirm-dialog");
		this.browser.seriousAccessibilityViolations().forEach((violation) -> violations.add("dialog: " + violation));
		this.browser.screenshot("confirm-stop");
		this.browser.confirm(false);
		assertThat(violations).isEmpty();
	}

	@Test
	@Order(40)
	void logsOut() throws Exception {
		this.browser.open("/apps");
		this.browser.visible("#logout").click();
		this.browser.visible(".message.ok");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login?logout");
		this.browser.seriousAccessibilityViolations().forEach((violation) -> {
			throw new AssertionError("/login: " + violation);
		});
		this.browser.open("/apps");
		this.browser.visible("#username");
		assertThat(this.browser.driver().getCurrentUrl()).endsWith("/login");
	}

	/** Waits until a page has loaded what it shows (no "Loading…" left). */
	private void settle() {
		this.browser.visible("main h1");
		if (!this.browser.driver().findElements(By.id("apps-table")).isEmpty()) {
			// the dashboard: its first refresh has drawn the rows
			this.browser.waitFor(Duration.ofSeconds(20))
				.until((driver) -> this.browser.find("body").getAttribute("data-refreshes") != null);
		}
		this.browser.waitFor(Duration.ofSeconds(20)).until((driver) -> !this.browser.text("main").contains("Loading"));
		// what the page itself says, without what apps printed (their logs and errors may
		// well say "Exception")
		String own = (String) this.browser.driver()
			.executeScript("const main = document.querySelector('main').cloneNode(true);"
					+ "main.querySelectorAll('pre, #log-records, .last-error, #deploy-failure').forEach((e) => e.remove());"
					+ "return main.textContent;");
		assertThat(own).doesNotContain("Exception").doesNotContain("undefined");
	}

	/** A screenshot with an element scrolled to the top of the window. */
	private void shotOf(String name, String css) throws IOException {
		this.browser.driver()
			.executeScript("document.activeElement.blur(); document.querySelector(arguments[0]).closest('.card')"
					+ ".scrollIntoView()", css);
		this.browser.screenshot(name);
		this.screenshots.add(name);
	}

	private void phoneShot(String name, String path) throws IOException {
		this.browser.phone();
		try {
			this.browser.open(path);
			settle();
			shot(name);
		}
		finally {
			this.browser.desktop();
		}
	}

	/** Waits for the dashboard's next refreshes (it counts them on the body). */
	private void awaitRefreshes(int count) {
		String now = this.browser.find("body").getAttribute("data-refreshes");
		int start = (now != null) ? Integer.parseInt(now) : 0;
		this.browser.waitFor(Duration.ofSeconds(30)).until((driver) -> {
			String value = this.browser.find("body").getAttribute("data-refreshes");
			return value != null && Integer.parseInt(value) >= start + count;
		});
	}

	private static void logIn(BrowserSession session, String user, String password) {
		session.visible("#username");
		session.type("#username", user);
		session.type("#password", password);
		session.find("#login").click();
	}

	/**
	 * The example with another version whose web module imports a module the release does
	 * not have: it installs, and its daemon fails at start with a ModuleNotFoundError in
	 * its stderr.
	 */
	private static Path brokenVersion(String version) throws IOException {
		Path broken = Files.createTempFile(Path.of("/tmp"), "broken-guestbook", ".pyapp");
		try (java.util.zip.ZipFile source = new java.util.zip.ZipFile(GUESTBOOK.toFile());
				java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(broken))) {
			for (java.util.zip.ZipEntry entry : java.util.Collections.list(source.entries())) {
				String text = new String(source.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
				if (entry.getName().equals("metadata.yaml")) {
					text = text.replace("version: 1.0.0", "version: " + version);
				}
				if (entry.getName().equals("src/guestbook/web.py")) {
					text = text.replace("from guestbook import settings, store",
							"from guestbook import settings, store\nimport guestbook_reports  # not in the release");
				}
				out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
				out.write(text.getBytes(StandardCharsets.UTF_8));
				out.closeEntry();
			}
		}
		return broken;
	}

	private void shot(String name) throws IOException {
		this.browser.driver().executeScript("document.activeElement.blur(); window.scrollTo(0, 0)");
		this.browser.screenshot(name);
		this.screenshots.add(name);
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
	 * Checks that the run left nothing running once Spring has closed its (dirtied)
	 * context: {@link TestHomes} then stopped what ran from the test's home (the managed
	 * web server, app daemons, by their pid files) and deleted the home. No process may
	 * still name the home on its command line (not even one without a pid file, such as a
	 * worker whose master is gone).
	 */
	static final class NothingLeftRunning implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext extension) {
			assertThat(home).doesNotExist();
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(300))
				.untilAsserted(() -> assertThat(TestHomes.processesNaming(home)).isEmpty());
		}

	}

	private static Path createHome() {
		return dev.pyapp.server.venv.ServerPackagesTemplate.copyInto(TestHomes.create(Path.of("/tmp"), "pa"));
	}

}
