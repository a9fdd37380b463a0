package dev.pyapp.server.cli;

import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client that only ever talks plain HTTP (an {@code http://}
 * endpoint, redirects not followed). {@code HttpClient} otherwise initialises the default
 * TLS context when it is built, loading JSSE and parsing every CA certificate: about a
 * quarter of the CLI's start-up, for a connection that never uses TLS. Any attempt to use
 * this context fails.
 */
final class PlainHttpContext extends SSLContext {

	PlainHttpContext() {
		super(new NoTls(), null, "none");
	}

	private static final class NoTls extends SSLContextSpi {

		@Override
		protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
			throw new KeyManagementException("plain HTTP only");
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			throw unsupported();
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			throw unsupported();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			throw unsupported();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			throw unsupported();
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			throw unsupported();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			throw unsupported();
		}

		@Override
		protected SSLParameters engineGetDefaultSSLParameters() {
			return new SSLParameters();
		}

		@Override
		protected SSLParameters engineGetSupportedSSLParameters() {
			return new SSLParameters();
		}

		private static UnsupportedOperationException unsupported() {
			return new UnsupportedOperationException("plain HTTP only: use an https:// URL for TLS");
		}

	}

}
