package dev.pyapp.server.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits password guessing at the login form: after {@code maxFailures} failed logins of
 * one user name from one address within the window, further attempts for that pair are
 * refused, without checking the password, until the lockout has passed. A success resets
 * the count.
 */
@Component
class LoginThrottle {

	static final String LOCKED_URL = "/login?locked";

	private static final int PRUNE_ABOVE = 10_000;

	private final LoginProperties properties;

	private final Clock clock;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	@Autowired
	LoginThrottle(LoginProperties properties) {
		this(properties, Clock.systemUTC());
	}

	LoginThrottle(LoginProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	static String key(@Nullable String username, String address) {
		String name = (username != null) ? username.strip().toLowerCase(Locale.ROOT) : "";
		return name + "|" + address;
	}

	boolean isLocked(String key) {
		Failures current = this.failures.get(key);
		return current != null && current.lockedUntil() != null && current.lockedUntil().isAfter(this.clock.instant());
	}

	/**
	 * Counts a failure.
	 * @param key the user name and address
	 * @return whether the pair is locked now
	 */
	boolean failed(String key) {
		Instant now = this.clock.instant();
		if (this.failures.size() > PRUNE_ABOVE) {
			this.failures.values().removeIf((entry) -> entry.expired(now, this.properties));
		}
		Failures updated = this.failures.compute(key, (k, previous) -> {
			Failures base = (previous == null || previous.expired(now, this.properties)) ? new Failures(0, now, null)
					: previous;
			int count = base.count() + 1;
			Instant lockedUntil = (count >= this.properties.maxFailures()) ? now.plus(this.properties.lockout()) : null;
			return new Failures(count, base.first(), lockedUntil);
		});
		return updated.lockedUntil() != null;
	}

	void succeeded(String key) {
		this.failures.remove(key);
	}

	/**
	 * Refuses a login attempt of a locked pair before the password is looked at.
	 */
	OncePerRequestFilter filter() {
		return new OncePerRequestFilter() {

			@Override
			protected boolean shouldNotFilter(HttpServletRequest request) {
				return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
			}

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				if (isLocked(key(request.getParameter("username"), request.getRemoteAddr()))) {
					response.sendRedirect(request.getContextPath() + LOCKED_URL);
					return;
				}
				chain.doFilter(request, response);
			}

		};
	}

	/**
	 * Counts a failed login and sends the browser back to the form.
	 */
	AuthenticationFailureHandler failureHandler() {
		return (HttpServletRequest request, HttpServletResponse response, AuthenticationException ex) -> {
			boolean locked = failed(key(request.getParameter("username"), request.getRemoteAddr()));
			response.sendRedirect(request.getContextPath() + (locked ? LOCKED_URL : "/login?error"));
		};
	}

	/**
	 * @param count failures counted
	 * @param first when the first of them happened
	 * @param lockedUntil until when attempts are refused, or {@code null}
	 */
	private record Failures(int count, Instant first, @Nullable Instant lockedUntil) {

		boolean expired(Instant now, LoginProperties properties) {
			boolean windowOver = this.first.plus(properties.window()).isBefore(now);
			boolean lockOver = this.lockedUntil == null || this.lockedUntil.isBefore(now);
			return windowOver && lockOver;
		}

	}

}
