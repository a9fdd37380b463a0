package dev.pyapp.server.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;

/**
 * Plain JSON refusals for API clients (no login page redirects).
 */
public final class SecurityResponses {

	private SecurityResponses() {
	}

	public static void unauthorized(HttpServletResponse response, String message) throws IOException {
		write(response, HttpServletResponse.SC_UNAUTHORIZED, message);
		response.setHeader("WWW-Authenticate", "Bearer");
	}

	public static void forbidden(HttpServletResponse response, String message) throws IOException {
		write(response, HttpServletResponse.SC_FORBIDDEN, message);
	}

	private static void write(HttpServletResponse response, int status, String message) throws IOException {
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		// the messages are fixed strings of ours; nothing from the request is echoed
		response.getWriter().write("{\"error\":\"" + message + "\"}");
	}

}
