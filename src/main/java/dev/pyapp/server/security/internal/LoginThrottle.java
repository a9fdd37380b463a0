package dev.pyapp.server.security.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
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
 * Slows password guessing at the login form with a growing delay per attempt: after
 * {@code freeFailures} failed logins of one user name from one address, the next attempt
 * of that pair is answered only once a delay has passed since the last failure (1 s, then
 * 2 s, 4 s ... up to {@code maxDelay}); an attempt that comes earlier is refused without
 * the password being looked at. No lockout outlasts {@code maxDelay}, so a stranger's
 * guesses from the same address (a local process, a shared proxy) cost the real user
 * seconds, never minutes. A success resets the count. The address is the peer's, or the
 * one a trusted proxy forwarded ({@code server.tomcat.remoteip.internal-proxies}; none by
 * default).
 */
@Component
public class LoginThrottle {

	static final String WAIT_URL = "/login?wait=";

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

	public static String key(@Nullable String username, String address) {
		String name = (username != null) ? username.strip().toLowerCase(Locale.ROOT) : "";
		return name + "|" + address;
	}

	/**
	 * How long an attempt of a pair has to wait still.
	 * @param key the user name and address
	 * @return zero when it may be checked now
	 */
	Duration retryAfter(String key) {
		Failures current = this.failures.get(key);
		if (current == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(this.clock.instant(), current.next());
		return left.isNegative() ? Duration.ZERO : left;
	}

	/**
	 * Counts a failure.
	 * @param key the user name and address
	 * @return how long the next attempt of the pair has to wait
	 */
	Duration failed(String key) {
		Instant now = this.clock.instant();
		if (this.failures.size() > PRUNE_ABOVE) {
			this.failures.values().removeIf((entry) -> entry.expired(now, this.properties));
		}
		Failures updated = this.failures.compute(key, (k, previous) -> {
			int count = ((previous == null || previous.expired(now, this.properties)) ? 0 : previous.count()) + 1;
			return new Failures(count, now, now.plus(this.properties.delay(count)));
		});
		return Duration.between(now, updated.next());
	}

	public void succeeded(String key) {
		this.failures.remove(key);
	}

	/**
	 * Refuses an attempt that comes before its delay has passed, before the password is
	 * looked at.
	 */
	public OncePerRequestFilter filter() {
		return new OncePerRequestFilter() {

			@Override
			protected boolean shouldNotFilter(HttpServletRequest request) {
				return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
			}

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				Duration wait = retryAfter(key(request.getParameter("username"), request.getRemoteAddr()));
				if (!wait.isZero()) {
					response.sendRedirect(request.getContextPath() + WAIT_URL + seconds(wait));
					return;
				}
				chain.doFilter(request, response);
			}

		};
	}

	/**
	 * Counts a failed login and sends the browser back to the form, with the wait when
	 * there is one.
	 */
	public AuthenticationFailureHandler failureHandler() {
		return (HttpServletRequest request, HttpServletResponse response, AuthenticationException ex) -> {
			Duration wait = failed(key(request.getParameter("username"), request.getRemoteAddr()));
			response
				.sendRedirect(request.getContextPath() + (wait.isZero() ? "/login?error" : WAIT_URL + seconds(wait)));
		};
	}

	private static long seconds(Duration wait) {
		return Math.max(1, (wait.toMillis() + 999) / 1000);
	}

	/**
	 * @param count failures counted
	 * @param last when the last of them happened
	 * @param next when the next attempt may be checked
	 */
	private record Failures(int count, Instant last, Instant next) {

		boolean expired(Instant now, LoginProperties properties) {
			return this.last.plus(properties.window()).isBefore(now);
		}

	}

}
