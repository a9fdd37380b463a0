package dev.pyapp.server.scm;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import dev.pyapp.server.scm.internal.ScmProperties;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /hooks/{id}}: post-commit hooks from GitHub, GitLab, Gitea or
 * {@code pyapp hooks install-git}. Needs no login; the signature is the credential.
 */
@RestController
class WebhookController {

	private final PostCommitHooks hooks;

	private final ScmProperties properties;

	private final HookDeliveries deliveries;

	WebhookController(PostCommitHooks hooks, ScmProperties properties, HookDeliveries deliveries) {
		this.hooks = hooks;
		this.properties = properties;
		this.deliveries = deliveries;
	}

	@PostMapping(path = "/hooks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> receive(@PathVariable String id, HttpServletRequest request)
			throws IOException {
		// an unknown hook is answered before a byte of its body is read
		if (!this.hooks.exists(id)) {
			return respond(HttpStatus.NOT_FOUND, "not-found", "no such hook");
		}
		long limit = this.properties.maxPayload().toBytes();
		if (request.getContentLengthLong() > limit) {
			return respond(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "the body is larger than " + limit + " bytes");
		}
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
		}
		if (body.length > limit) {
			return respond(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "the body is larger than " + limit + " bytes");
		}
		PostCommitHooks.Outcome outcome = this.hooks.receive(id, body, request::getHeader);
		ResponseEntity<Map<String, String>> response = switch (outcome.status()) {
			case ACCEPTED -> respond(HttpStatus.ACCEPTED, "accepted", outcome.message());
			case DUPLICATE -> respond(HttpStatus.OK, "duplicate", outcome.message());
			case IGNORED -> respond(HttpStatus.OK, "ignored", outcome.message());
			case BAD_REQUEST -> respond(HttpStatus.BAD_REQUEST, "bad-request", outcome.message());
			case UNAUTHORIZED -> respond(HttpStatus.UNAUTHORIZED, "unauthorized", outcome.message());
			case UNKNOWN -> respond(HttpStatus.NOT_FOUND, "not-found", outcome.message());
		};
		if (outcome.status() != PostCommitHooks.Status.UNKNOWN && response.getBody() != null) {
			this.deliveries.record(id, response.getStatusCode().value(), response.getBody().get("status"),
					outcome.message());
		}
		return response;
	}

	private static ResponseEntity<Map<String, String>> respond(HttpStatus status, String name, String message) {
		return ResponseEntity.status(status).body(Map.of("status", name, "message", message));
	}

}
