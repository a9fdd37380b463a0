package dev.pyapp.server.security;

import java.io.IOException;
import java.util.List;

import dev.pyapp.server.security.internal.SecurityResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}. A request with a bearer header is
 * authenticated by it alone: a wrong token is refused with 401 even if a session exists.
 */
class BearerTokenFilter extends OncePerRequestFilter {

	static final String PREFIX = "Bearer ";

	private final ApiTokens tokens;

	BearerTokenFilter(ApiTokens tokens) {
		this.tokens = tokens;
	}

	static boolean hasBearer(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		return header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (hasBearer(request)) {
			String token = request.getHeader(HttpHeaders.AUTHORIZATION).substring(PREFIX.length()).trim();
			var principal = this.tokens.authenticate(token);
			if (principal.isEmpty()) {
				SecurityResponses.unauthorized(response, "invalid API token");
				return;
			}
			Caller caller = principal.get();
			// the name is the user the call acts as (tokens.create makes tokens for it);
			// the details say which token it was and with which role
			var authentication = UsernamePasswordAuthenticationToken.authenticated(
					(caller.user() != null) ? caller.user() : caller.principal(), null,
					List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())));
			authentication.setDetails(caller);
			var context = SecurityContextHolder.createEmptyContext();
			context.setAuthentication(authentication);
			SecurityContextHolder.setContext(context);
		}
		chain.doFilter(request, response);
	}

}
