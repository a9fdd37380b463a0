package dev.pyapp.server.security;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A browser-like HTTP client for tests: keeps cookies, never follows redirects, reads the
 * CSRF token from the pages it loads. Public for the tests of other modules that load a
 * page of the UI or call what a page calls (NodesIT).
 */
public class WebSession {

	private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

	private final String base;

	private final CookieManager cookies = new CookieManager();

	private final Map<String, String> headers = new java.util.LinkedHashMap<>();

	private final HttpClient http;

	public WebSession(int port) {
		this.base = "http://127.0.0.1:" + port;
		this.http = HttpClient.newBuilder()
			.cookieHandler(this.cookies)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** Sends a header with every request of the form (such as a forwarded address). */
	WebSession header(String name, String value) {
		this.headers.put(name, value);
		return this;
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path));
		this.headers.forEach(request::header);
		return request;
	}

	public HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(request(path).GET().build());
	}

	/**
	 * Logs in through the form, as a browser does.
	 * @return the response to the form's POST (a redirect)
	 */
	public HttpResponse<String> login(String username, String password) throws IOException, InterruptedException {
		String page = get("/login").body();
		Matcher matcher = HIDDEN_CSRF.matcher(page);
		if (!matcher.find()) {
			throw new IllegalStateException("the login page has no CSRF field");
		}
		return postForm("/login", Map.of("username", username, "password", password, "_csrf", matcher.group(1)));
	}

	HttpResponse<String> postForm(String path, Map<String, String> fields) throws IOException, InterruptedException {
		String body = fields.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	/** The CSRF token of a page of the UI, from its {@code <meta name="_csrf">}. */
	public String csrfToken() throws IOException, InterruptedException {
		Matcher matcher = META_CSRF.matcher(get("/apps").body());
		if (!matcher.find()) {
			throw new IllegalStateException("the page has no CSRF meta tag");
		}
		return matcher.group(1);
	}

	/** POST /rpc with the session's cookie, and the CSRF header if a token is given. */
	public HttpResponse<String> rpc(String body, @Nullable String csrf) throws IOException, InterruptedException {
		return postJson("/rpc", body, csrf);
	}

	/** A JSON POST with the session's cookie, and the CSRF header if a token is given. */
	public HttpResponse<String> postJson(String path, String body, @Nullable String csrf)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (csrf != null) {
			request.header("X-CSRF-TOKEN", csrf);
		}
		return send(request.build());
	}

	HttpResponse<String> bearer(String token, String body) throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.base + "/rpc"))
				.header("Content-Type", "application/json")
				.header("Authorization", "Bearer " + token)
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Nullable String sessionId() {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> "JSESSIONID".equals(cookie.getName()))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElse(null);
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
