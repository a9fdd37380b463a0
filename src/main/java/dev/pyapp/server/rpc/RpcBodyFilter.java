package dev.pyapp.server.rpc;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a {@code POST /rpc} sent as {@code application/x-www-form-urlencoded} (what
 * {@code curl -d} and Python's {@code urllib} send unless told otherwise) as the JSON-RPC
 * text it is. Without this the servlet container parsed the body as form parameters
 * before the controller saw it, and a valid call was answered with -32700. The body is
 * taken before anything else (Spring Security included) can read it as a form; the
 * request then has no form parameters. Since that happens before authentication, the body
 * read is bounded: one over {@link #MAX_BODY} bytes is refused with HTTP 413 and not read
 * further.
 */
class RpcBodyFilter extends OncePerRequestFilter {

	/** The largest form-labelled JSON-RPC body read (8 MiB). */
	static final int MAX_BODY = 8 * 1024 * 1024;

	/** Registers the filter for {@code /rpc} only, before every other filter. */
	@Configuration(proxyBeanMethods = false)
	static class Registration {

		@Bean
		FilterRegistrationBean<RpcBodyFilter> rpcBodyFilterRegistration() {
			FilterRegistrationBean<RpcBodyFilter> registration = new FilterRegistrationBean<>(new RpcBodyFilter());
			registration.addUrlPatterns("/rpc");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String type = request.getContentType();
		return !"POST".equals(request.getMethod()) || type == null
				|| !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		byte[] body = (request.getContentLengthLong() > MAX_BODY) ? null
				: request.getInputStream().readNBytes(MAX_BODY + 1);
		if (body == null || body.length > MAX_BODY) {
			response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.getWriter()
				.write("{\"jsonrpc\": \"2.0\", \"id\": null, \"error\": {\"code\": -32600, "
						+ "\"message\": \"Invalid Request: the body is over " + MAX_BODY + " bytes\"}}");
			return;
		}
		chain.doFilter(new JsonBody(request, body), response);
	}

	/** The request with its body as JSON text and no form parameters. */
	private static final class JsonBody extends HttpServletRequestWrapper {

		private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

		private final byte[] body;

		JsonBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public String getContentType() {
			return JSON;
		}

		@Override
		public @Nullable String getHeader(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? JSON : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? Collections.enumeration(List.of(JSON))
					: super.getHeaders(name);
		}

		@Override
		public @Nullable String getParameter(String name) {
			return null;
		}

		@Override
		public Map<String, String[]> getParameterMap() {
			return Map.of();
		}

		@Override
		public Enumeration<String> getParameterNames() {
			return Collections.emptyEnumeration();
		}

		@Override
		public String @Nullable [] getParameterValues(String name) {
			return null;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException();
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
		}

	}

}
