package dev.pyapp.server.mount.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import dev.pyapp.server.mount.WebServerKind;
import org.jspecify.annotations.Nullable;

/**
 * Everything a renderer needs beyond the model: where the managed instance keeps its
 * files and how it is tuned.
 *
 * @param directory {@code PYAPP_HOME/webserver}: configs, {@code logs/}, {@code run/},
 * {@code tmp/}
 * @param root whether the web server is started as root (it then needs a user for its
 * workers, or explicit permission to keep root)
 * @param user the user the workers run as when started as root, or {@code null} for the
 * kind's default
 * @param workers worker processes (nginx), or server processes (Apache's event MPM)
 * @param accessLog whether requests are logged (buffered)
 * @param staticMaxAge how long browsers may cache static files
 * @param keepalive idle connections to each app kept open for reuse
 * @param apacheModules the directory of Apache's {@code mod_*.so} files
 * @param appTimeout how long the web server waits for an app's next bytes (of its
 * response, or of the request it reads) before it answers 504
 */
public record RenderSettings(Path directory, boolean root, @Nullable String user, int workers, boolean accessLog,
		Duration staticMaxAge, int keepalive, Path apacheModules, Duration appTimeout) {

	/**
	 * The largest request body the managed web server passes to an app, in MiB: the same
	 * bound for nginx ({@code client_max_body_size}), Apache httpd
	 * ({@code LimitRequestBody}) and lighttpd ({@code server.max-request-size}); a larger
	 * one is answered 413 by the web server.
	 */
	static final int MAX_REQUEST_BODY_MIB = 100;

	public Path config(WebServerKind kind) {
		return this.directory.resolve(kind.value() + ".conf");
	}

	Path pidFile(WebServerKind kind) {
		return this.directory.resolve("run").resolve(kind.value() + ".pid");
	}

	Path errorLog(WebServerKind kind) {
		return this.directory.resolve("logs").resolve(kind.value() + "-error.log");
	}

	Path accessLogFile(WebServerKind kind) {
		return this.directory.resolve("logs").resolve(kind.value() + "-access.log");
	}

	Path runDirectory() {
		return this.directory.resolve("run");
	}

	Path tmp(WebServerKind kind) {
		return this.directory.resolve("tmp").resolve(kind.value());
	}

	/** Where lighttpd's copies of the virtual servers' TLS files are kept. */
	Path tlsCopies() {
		return this.directory.resolve("tls");
	}

	/**
	 * The copy lighttpd reads of a certificate or key (see
	 * {@link WebServerFiles#copyTls}): named by its source path, so that one file has one
	 * copy.
	 * @param source the operator's file
	 * @return its copy in {@link #tlsCopies()}
	 */
	Path tlsCopy(String source) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
			String name = Path.of(source).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
			return tlsCopies().resolve(HexFormat.of().formatHex(digest, 0, 8) + "-" + name);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/** A directory with nothing in it, for the document roots a server insists on. */
	Path empty() {
		return this.directory.resolve("empty");
	}

	/**
	 * The file system path as a configuration value, after the allow-list check.
	 * @param path a path below {@link #directory()}
	 * @return its text
	 */
	static String path(Path path) {
		return MountValidator.safeFile("pyapp.home", path);
	}

}
