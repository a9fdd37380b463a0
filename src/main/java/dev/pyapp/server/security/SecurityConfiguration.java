package dev.pyapp.server.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.pyapp.server.security.internal.LoginThrottle;
import dev.pyapp.server.security.internal.SecurityProperties;
import dev.pyapp.server.security.internal.SecurityResponses;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The filter chains: the API ({@code /rpc}, {@code /api/**}, {@code /metrics} and the
 * Actuator's {@code /actuator/**}, whose health alone needs no credential), post-commit
 * hooks ({@code /hooks/**}, verified by signature in {@code scm}) and the web UI.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

	static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			+ "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

	/**
	 * No Micrometer observation per security filter, authentication and authorization:
	 * each API call went through a dozen of them (in a profile of bench/registry.sh, 63
	 * of 391 samples of the request threads were in observation code, the security
	 * filters' and the request's). A request is still observed once as a whole
	 * ({@code http.server.requests}), which is what the server's metrics show.
	 * @return the settings
	 */
	@Bean
	static SecurityObservationSettings securityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	@Order(1)
	SecurityFilterChain apiChain(HttpSecurity http, ApiTokens tokens) throws Exception {
		http.securityMatcher("/rpc", "/api/**", "/metrics", "/actuator/**")
			.addFilterBefore(new BearerTokenFilter(tokens), UsernamePasswordAuthenticationFilter.class)
			// health answers anyone (without details); the Prometheus scrape needs
			// a token
			.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/actuator/health").permitAll().anyRequest().authenticated())
			// a bearer token is not sent by a browser on its own, so it needs no CSRF
			// token; a UI session does. A request with neither is refused as
			// unauthenticated (401), not for its missing CSRF token.
			.csrf((csrf) -> csrf.ignoringRequestMatchers(
					(request) -> BearerTokenFilter.hasBearer(request) || request.getSession(false) == null))
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, ex) -> SecurityResponses.unauthorized(response,
						"authentication required: send Authorization: Bearer <token>"))
				.accessDeniedHandler((request, response, ex) -> SecurityResponses.forbidden(response,
						"forbidden: missing or invalid CSRF token")))
			.headers(SecurityConfiguration::headers);
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain hooksChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/hooks/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.disable())
			.headers(SecurityConfiguration::headers);
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain uiChain(HttpSecurity http, LoginThrottle throttle) throws Exception {
		var success = new SavedRequestAwareAuthenticationSuccessHandler();
		success.setDefaultTargetUrl("/apps");
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/error")
			.permitAll()
			.anyRequest()
			.authenticated())
			.addFilterBefore(throttle.filter(), UsernamePasswordAuthenticationFilter.class)
			.formLogin((form) -> form.loginPage("/login").successHandler((request, response, authentication) -> {
				throttle.succeeded(LoginThrottle.key(authentication.getName(), request.getRemoteAddr()));
				success.onAuthenticationSuccess(request, response, authentication);
			}).failureHandler(throttle.failureHandler()).permitAll())
			// the cookie goes too, so the next page is not taken for an expired session
			.logout((logout) -> logout.logoutUrl("/logout")
				.logoutSuccessUrl("/login?logout")
				.deleteCookies("JSESSIONID")
				.permitAll())
			// a new session id at login, so an id planted before it is worth nothing; a
			// session that ended (server restart, timeout) says so on the login page and
			// returns to the page after it
			.sessionManagement((session) -> session.sessionFixation((fixation) -> fixation.changeSessionId())
				.invalidSessionStrategy(SecurityConfiguration::sessionExpired))
			.headers(SecurityConfiguration::headers);
		return http.build();
	}

	private static void sessionExpired(jakarta.servlet.http.HttpServletRequest request,
			jakarta.servlet.http.HttpServletResponse response) throws IOException {
		if ("GET".equals(request.getMethod()) && !request.getRequestURI().startsWith("/login")) {
			new org.springframework.security.web.savedrequest.HttpSessionRequestCache().saveRequest(request, response);
		}
		response.sendRedirect(request.getContextPath() + "/login?expired");
	}

	private static void headers(
			org.springframework.security.config.annotation.web.configurers.HeadersConfigurer<HttpSecurity> headers) {
		headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CSP))
			.frameOptions((frame) -> frame.deny())
			.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
			.permissionsPolicyHeader((permissions) -> permissions.policy("camera=(), microphone=(), geolocation=()"));
	}

	/**
	 * Binds the API and UI to 127.0.0.1 unless {@code pyapp.api.public=true}.
	 */
	@Bean
	WebServerFactoryCustomizer<ConfigurableWebServerFactory> loopbackOnly(SecurityProperties properties)
			throws UnknownHostException {
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		return (factory) -> {
			if (!properties.publicAccess()) {
				factory.setAddress(loopback);
			}
		};
	}

}
