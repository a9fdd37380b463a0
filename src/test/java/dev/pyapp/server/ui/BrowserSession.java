package dev.pyapp.server.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Sleeper;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.util.FileSystemUtils;

/**
 * A headless Debian Chromium driven through the system's chromedriver: nothing is
 * downloaded. Screenshots, when asked for, go to {@code docs/screenshots/}.
 */
final class BrowserSession implements AutoCloseable {

	static final Path SCREENSHOTS = Path.of("docs", "screenshots");

	private static final boolean SCREENSHOTS_WANTED = Boolean.getBoolean("pyapp.screenshots");

	/**
	 * The pause after a wait's first check of its condition; each further pause doubles,
	 * up to {@link #MAX_POLL}. Each check is a request or two to chromedriver, a DevTools
	 * round trip through the browser and work in the page. A fixed 100 ms made the long
	 * waits (an upload's venv build, a deploy, an apply: tens of seconds each) cost the
	 * browser, chromedriver and the test JVM about 10 checks a second; a fixed 500 ms
	 * (Selenium's default) cost about a quarter of a second on every short wait. Backing
	 * off keeps a short wait as quick and checks a long one 2.5 times a second.
	 */
	static final Duration POLL = Duration.ofMillis(50);

	/** The longest pause between two checks of a wait (see {@link #POLL}). */
	static final Duration MAX_POLL = Duration.ofMillis(400);

	private final Path profile;

	private final ChromeDriverService service;

	private final ChromeDriver driver;

	private final String base;

	BrowserSession(int port) throws IOException {
		this.base = "http://127.0.0.1:" + port;
		this.profile = Files.createTempDirectory(Path.of("/tmp"), "chrome");
		this.service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,900", "--user-data-dir=" + this.profile);
		this.driver = new ChromeDriver(this.service, options);
		this.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * A wait that checks at once, then after pauses that double from {@link #POLL} to
	 * {@link #MAX_POLL}; a longer pause set with {@code pollingEvery} is kept.
	 * @param driver the driver the condition gets
	 * @param timeout how long to wait
	 * @return the wait
	 */
	static WebDriverWait waitOn(WebDriver driver, Duration timeout) {
		return new WebDriverWait(driver, timeout, POLL, Clock.systemDefaultZone(), new BackOff());
	}

	/**
	 * Scans the page with axe-core (Deque's axe-core Selenium integration): the rules of
	 * WCAG 2.0/2.1 A and AA and best practices.
	 * @return each serious or critical violation, one line each (rule, help, elements)
	 */
	List<String> seriousAccessibilityViolations() {
		// legacy mode runs axe.run in the page itself; the default opens a blank tab for
		// each scan to merge the results of cross-origin frames, which these pages do
		// not have (same rules, same results, about a second less per scan)
		// all rules still run; only the violations come back with every node: the passes,
		// the incomplete and the inapplicable rules (not read here) with one node each,
		// instead of every node of the page (axe-core's resultTypes: 0.65 s a scan
		// instead of 0.72 s, with the same violations on every page, measured on a
		// loaded 2-core machine)
		AxeRunOptions options = new AxeRunOptions();
		options.setResultTypes(List.of("violations"));
		Results results = new AxeBuilder().setLegacyMode(true).withOptions(options).analyze(this.driver);
		List<String> problems = new ArrayList<>();
		for (Rule rule : results.getViolations()) {
			if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
				List<String> targets = rule.getNodes()
					.stream()
					.map((node) -> String.valueOf(node.getTarget()))
					.toList();
				problems.add(rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " " + targets);
			}
		}
		return problems;
	}

	/** Waits for the page's confirmation dialog and answers it. */
	String confirm(boolean accept) {
		WebElement dialog = visible("#confirm-dialog");
		String text = dialog.getText();
		find(accept ? "#confirm-ok" : "#confirm-cancel").click();
		waitOn(this.driver, Duration.ofSeconds(5))
			.until((d) -> !d.findElement(By.cssSelector("#confirm-dialog")).isDisplayed());
		return text;
	}

	void open(String path) {
		this.driver.get(path.startsWith("http") ? path : this.base + path);
	}

	WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	WebElement visible(String css, Duration timeout) {
		return waitOn(this.driver, timeout).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
	}

	/**
	 * Clicks the element the selector finds once it is visible, finding it again when the
	 * page redrew it meanwhile (pages refresh their tables).
	 */
	void click(String css) {
		waitOn(this.driver, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> {
				WebElement element = driver.findElement(By.cssSelector(css));
				if (!element.isDisplayed()) {
					return false;
				}
				element.click();
				return true;
			});
	}

	WebElement visible(String css) {
		return visible(css, Duration.ofSeconds(15));
	}

	/**
	 * An attribute of the element the selector finds, read again when the page redrew the
	 * element between finding and reading it (pages refresh their tables).
	 */
	String attribute(String css, String name) {
		return waitOn(this.driver, Duration.ofSeconds(15))
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> String.valueOf(driver.findElement(By.cssSelector(css)).getAttribute(name)));
	}

	/**
	 * A wait that tries again when the page redrew an element the condition was reading
	 * (pages refresh their summaries, tables and selects).
	 * @param timeout how long to wait
	 * @return the wait
	 */
	FluentWait<WebDriver> waitFor(Duration timeout) {
		return waitOn(this.driver, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class);
	}

	/**
	 * The text of the element the selector finds, read again when the page redrew the
	 * element between finding and reading it (pages refresh their summaries and tables).
	 */
	String text(String css) {
		return waitOn(this.driver, Duration.ofSeconds(15))
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> driver.findElement(By.cssSelector(css)).getText());
	}

	void waitForText(String css, String text, Duration timeout) {
		waitOn(this.driver, timeout)
			.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
	}

	void type(String css, String text) {
		WebElement input = find(css);
		input.clear();
		input.sendKeys(text);
	}

	/**
	 * Saves a screenshot of the viewport as {@code docs/screenshots/<name>.png} when the
	 * run asks for them ({@code -Dpyapp.screenshots=true}): 42 captures, each a full
	 * frame drawn and encoded by the browser, then written over the committed files.
	 */
	void screenshot(String name) throws IOException {
		if (!SCREENSHOTS_WANTED) {
			return;
		}
		Files.createDirectories(SCREENSHOTS);
		Files.write(SCREENSHOTS.resolve(name + ".png"), this.driver.getScreenshotAs(OutputType.BYTES));
	}

	/**
	 * Until the returned handle is closed, pages opened from then on run their 5 s
	 * refresh timers ({@code setInterval(..., 5000)}) every {@code period} instead: for
	 * tests that wait for a page's refreshes, not for the time between them.
	 * @param period the period in milliseconds
	 * @return closes to restore the pages' own periods for pages opened later
	 */
	AutoCloseable quickRefreshes(int period) {
		String source = "(() => { const original = window.setInterval;"
				+ " window.setInterval = (callback, delay, ...rest) => original(callback, delay === 5000 ? " + period
				+ " : delay, ...rest); })();";
		Object identifier = this.driver
			.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
			.get("identifier");
		return () -> this.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument",
				Map.of("identifier", identifier));
	}

	/** Emulates a phone-sized viewport (390 × 844) until {@link #desktop()}. */
	void phone() {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
	}

	void desktop() {
		this.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
	}

	/**
	 * Runs a script with a callback (its last argument) in the page and returns its
	 * result.
	 */
	Object async(String script, Object... args) {
		return this.driver.executeAsyncScript(script, args);
	}

	@Override
	public void close() throws IOException {
		try {
			this.driver.quit();
		}
		finally {
			this.service.stop();
			FileSystemUtils.deleteRecursively(this.profile);
		}
	}

	/**
	 * The pauses of one wait: the one asked for, but at least the next of the doubling
	 * steps.
	 */
	private static final class BackOff implements Sleeper {

		private long next = POLL.toMillis();

		@Override
		public void sleep(Duration duration) throws InterruptedException {
			long millis = Math.max(duration.toMillis(), this.next);
			this.next = Math.min(this.next * 2, MAX_POLL.toMillis());
			Thread.sleep(millis);
		}

	}

}
