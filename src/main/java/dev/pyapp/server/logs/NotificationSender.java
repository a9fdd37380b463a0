package dev.pyapp.server.logs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Sends one notification over its channel: a webhook POST with a JSON body or an e-mail
 * through Spring Mail. One call is one attempt; the {@link Notifier} retries.
 */
class NotificationSender {

	private final HttpClient http;

	private final Duration timeout;

	private final @Nullable JavaMailSender mail;

	private final String mailFrom;

	private final JsonMapper mapper = JsonMapper.builder().build();

	NotificationSender(Duration timeout, @Nullable JavaMailSender mail, String mailFrom) {
		this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
		this.timeout = timeout;
		this.mail = mail;
		this.mailFrom = mailFrom;
	}

	/**
	 * Tries once.
	 * @param rule the rule
	 * @param subject one line
	 * @param body the webhook's JSON fields, also written out as the e-mail's text
	 * @return {@code null} when sent, else why not
	 */
	@Nullable String send(NotificationRule rule, String subject, Map<String, Object> body) {
		return switch (rule.channel()) {
			case WEBHOOK -> post(rule.target(), body);
			case EMAIL -> mail(rule.target(), subject, body);
		};
	}

	private @Nullable String post(String url, Map<String, Object> body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "pyapp-server")
			.POST(HttpRequest.BodyPublishers.ofString(this.mapper.writeValueAsString(body)))
			.build();
		try {
			HttpResponse<Void> response = this.http.send(request, HttpResponse.BodyHandlers.discarding());
			return (response.statusCode() / 100 == 2) ? null : "HTTP " + response.statusCode();
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	boolean mailConfigured() {
		return this.mail != null;
	}

	private @Nullable String mail(String to, String subject, Map<String, Object> body) {
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
