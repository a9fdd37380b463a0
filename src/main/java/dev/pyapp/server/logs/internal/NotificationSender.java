package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.logs.NotificationRule;

import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Sends one notification over its channel: a webhook POST with a JSON body or an e-mail
 * through Spring Mail. One call is one attempt; the {@code NotificationDispatcher}
 * retries.
 */
public class NotificationSender {

	/** Made on the first webhook call: a client starts its own selector thread. */
	private @Nullable HttpClient http;

	private final Duration timeout;

	private final @Nullable JavaMailSender mail;

	private final String mailFrom;

	private final JsonMapper mapper = JsonMapper.builder().build();

	public NotificationSender(Duration timeout, @Nullable JavaMailSender mail, String mailFrom) {
		this.timeout = timeout;
		this.mail = mail;
		this.mailFrom = mailFrom;
	}

	/**
	 * Tries once.
	 * @param rule the rule
	 * @param message the subject and the webhook's JSON fields, also written out as the
	 * e-mail's text
	 * @return {@code null} when sent, else why not
	 */
	public @Nullable String send(NotificationRule rule, NotificationMessage message) {
		return switch (rule.channel()) {
			case WEBHOOK -> post(rule.target(), message.body());
			case EMAIL -> mail(rule.target(), message.subject(), message.body());
		};
	}

	/**
	 * POSTs the body. The user info of the URL ({@code https://user:password@host/...})
	 * becomes a Basic {@code Authorization} header, as curl does, and is not sent in the
	 * request line.
	 */
	private @Nullable String post(String url, Map<String, @Nullable Object> body) {
		URI uri = URI.create(url);
		HttpRequest.Builder builder = HttpRequest.newBuilder(withoutUserInfo(uri))
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "pyapp-server");
		if (uri.getUserInfo() != null) {
			builder.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
		}
		HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(this.mapper.writeValueAsString(body)))
			.build();
		try {
			HttpResponse<Void> response = http().send(request, HttpResponse.BodyHandlers.discarding());
			return (response.statusCode() / 100 == 2) ? null : "HTTP " + response.statusCode();
		}
		catch (IOException ex) {
			return unreachable(uri, ex, this.timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	/**
	 * Why a webhook could not be sent, for a person: the address and what happened (the
	 * JDK's {@code ConnectException} has no message of its own, so the page said
	 * "ConnectException: null").
	 */
	static String unreachable(URI uri, IOException ex, Duration timeout) {
		String address = uri.getHost() + ":"
				+ ((uri.getPort() != -1) ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80));
		if (ex instanceof HttpConnectTimeoutException) {
			return "cannot connect to " + address + ": no answer within " + timeout.toSeconds() + " s";
		}
		if (ex instanceof HttpTimeoutException) {
			return address + " did not answer within " + timeout.toSeconds() + " s";
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnknownHostException) {
				return "cannot connect to " + address + ": unknown host " + uri.getHost();
			}
		}
		String reason = null;
		for (Throwable cause = ex; cause != null && reason == null; cause = cause.getCause()) {
			String message = cause.getMessage();
			reason = (message != null && !message.isBlank()) ? message : null;
		}
		if (ex instanceof ConnectException) {
			return "cannot connect to " + address + ": "
					+ ((reason != null) ? reason.toLowerCase(Locale.ROOT) : "connection refused");
		}
		return "sending to " + address + " failed: " + ((reason != null) ? reason : ex.getClass().getSimpleName());
	}

	static URI withoutUserInfo(URI uri) {
		String authority = uri.getRawAuthority();
		if (uri.getRawUserInfo() == null || authority == null) {
			return uri;
		}
		return URI.create(uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
				+ ((uri.getRawPath() != null) ? uri.getRawPath() : "")
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
	}

	private synchronized HttpClient http() {
		HttpClient client = this.http;
		if (client == null) {
			client = HttpClient.newBuilder()
				.connectTimeout(this.timeout)
				.followRedirects(HttpClient.Redirect.NEVER)
				.build();
			this.http = client;
		}
		return client;
	}

	/**
	 * Lets go of the webhook client (its selector thread ends with it); a later call
	 * makes a new one.
	 */
	public synchronized void release() {
		this.http = null;
	}

	public boolean mailConfigured() {
		return this.mail != null;
	}

	private @Nullable String mail(String to, String subject, Map<String, @Nullable Object> body) {
		if (this.mail == null) {
			return "no SMTP server is configured (spring.mail.host)";
		}
		SimpleMailMessage message = new SimpleMailMessage();
		message.setFrom(this.mailFrom);
		message.setTo(to);
		message.setSubject(subject);
		StringBuilder text = new StringBuilder();
		body.forEach((key, value) -> {
			if (value != null) {
				text.append(key).append(": ").append(value).append('\n');
			}
		});
		message.setText(text.toString());
		try {
			this.mail.send(message);
			return null;
		}
		catch (MailException ex) {
			return ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
	}

}
