package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;

/**
 * Puts a rendered configuration in place safely: it is written to
 * {@code webserver/staging/}, tested by the web server itself, and only then renamed over
 * the live file (the one before is kept as {@code .previous}) and the server reloaded
 * gracefully. A failed test leaves the live file and the running server untouched.
 */
class ConfigApplier {

	private final WebServerKind kind;

	private final boolean managed;

	private final ConfigRenderer renderer;

	private final RenderSettings settings;

	private final ManagedInstance instance;

	private final NodeShell shell;

	private final WebServerProperties properties;

	private volatile @Nullable Instant applied;

	ConfigApplier(ConfigRenderer renderer, RenderSettings settings, ManagedInstance instance, NodeShell shell,
			WebServerProperties properties) {
		this.kind = renderer.kind();
		this.managed = properties.managed();
		this.renderer = renderer;
		this.settings = settings;
		this.instance = instance;
		this.shell = shell;
		this.properties = properties;
	}

	/**
	 * The file the web server runs: the managed instance's configuration, or the include
	 * file of a system web server.
	 */
	Path liveFile() {
		return this.managed ? this.settings.config(this.kind)
				: this.settings.directory().resolve(this.kind.value() + "-include.conf");
	}

	/**
	 * The text {@link #apply} would put in the live file.
	 * @param model what to serve
	 * @return the configuration text
	 */
	String render(RenderModel model) {
		return this.managed ? this.renderer.main(model, this.settings) : this.renderer.sites(model, this.settings);
	}

	/**
	 * Whether the live file differs from what the model renders to (or the managed
	 * instance is not running).
	 */
	boolean differs(RenderModel model) {
		return !Optional.of(render(model)).equals(readLive())
				|| (this.managed && this.instance.state() == WebServerState.STOPPED);
	}

	boolean everApplied() {
		return Files.exists(liveFile());
	}

	/**
	 * Tests, swaps in and reloads.
	 * @param model what to serve
	 * @throws PyappException ({@code FAILED}) with the web server's output when the test,
	 * the start or the reload fails
	 */
	synchronized void apply(RenderModel model) {
		// the self-contained configuration is what the web server can test on its own,
		// also when only its virtual servers go into a system server's include file
		Path staging = this.settings.directory().resolve("staging").resolve(this.kind.value() + ".conf");
		AtomicFiles.write(staging, this.renderer.main(model, this.settings), AtomicFiles.OWNER_ONLY);
		try {
			this.instance.prepare(model);
			ExecResult test = this.instance.test(staging);
			if (!test.succeeded()) {
				throw PyappException.failed(
						"the " + this.kind.value() + " configuration test failed; the running configuration is kept",
						test.output());
			}
			if (this.kind == WebServerKind.APACHE) {
				// httpd's test does not load the certificates: one it cannot load would
				// end the running server at the reload
				List<String> tls = TlsPairCheck
					.problems(model.sites().stream().map(RenderModel.Site::server).distinct().toList());
				if (!tls.isEmpty()) {
					throw PyappException.failed(
							"the apache configuration test failed; the running configuration is kept",
							String.join("\n", tls) + "\n");
				}
			}
			Path live = liveFile();
			Path previous = live.resolveSibling(live.getFileName() + ".previous");
			boolean hadLive = Files.exists(live);
			if (hadLive) {
				Files.copy(live, previous, StandardCopyOption.REPLACE_EXISTING);
			}
			if (this.managed) {
				Files.move(staging, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				try {
					this.instance.startOrReload(List.copyOf(model.listens().keySet()));
				}
				catch (PyappException ex) {
					restore(hadLive, previous, live);
					throw ex;
				}
			}
			else {
				AtomicFiles.write(live, render(model), AtomicFiles.OWNER_ONLY);
				system(this.properties.testCommand(), "test", () -> restore(hadLive, previous, live));
				system(this.properties.reloadCommand(), "reload", () -> {
				});
			}
			this.applied = Instant.now();
			this.instance.applied(model);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot swap in " + liveFile(), ex);
		}
		finally {
			deleteQuietly(staging);
		}
	}

	private void system(List<String> command, String what, Runnable onFailure) {
		if (command.isEmpty()) {
			return;
		}
		ExecResult result = this.shell.exec(ExecRequest.of(command).withTimeout(this.properties.commandTimeout()));
		if (!result.succeeded()) {
			onFailure.run();
			throw PyappException.failed("the system " + this.kind.value() + " " + what + " command failed",
					result.output());
		}
	}

	private static void restore(boolean hadLive, Path previous, Path live) {
		try {
			if (hadLive) {
				Files.copy(previous, live, StandardCopyOption.REPLACE_EXISTING);
			}
			else {
				Files.deleteIfExists(live);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot restore " + live, ex);
		}
	}

	private @Nullable Instant liveModified() {
		try {
			return Files.getLastModifiedTime(liveFile()).toInstant();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * The text of the live file, if there is one.
	 * @return its text
	 */
	Optional<String> readLive() {
		try {
			return Optional.of(Files.readString(liveFile(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// a stale staging file is overwritten by the next apply
		}
	}

	WebServerStatus status() {
		return new WebServerStatus(this.kind, this.managed,
				this.managed ? this.instance.state() : WebServerState.SYSTEM, this.managed ? this.instance.pid() : null,
				liveFile(), (this.applied != null) ? this.applied : liveModified(),
				this.managed ? this.instance.message() : null);
	}

}
