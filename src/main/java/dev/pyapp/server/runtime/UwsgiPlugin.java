package dev.pyapp.server.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.internal.DaemonFiles;
import dev.pyapp.server.runtime.internal.RuntimeProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The host's uWSGI and the Python its plugin embeds, found by running the plugin once
 * ({@code uwsgi --plugin python3 --pyrun probe.py}). A success is remembered; a failure
 * for a minute, so that installing the packages takes effect without a restart.
 */
@Component
class UwsgiPlugin {

	private static final Logger logger = LoggerFactory.getLogger(UwsgiPlugin.class);

	private static final Duration RETRY = Duration.ofMinutes(1);

	private final NodeShell shell;

	private final RuntimeProperties.Uwsgi settings;

	private volatile @Nullable Probe probe;

	UwsgiPlugin(NodeShell shell, RuntimeProperties properties) {
		this.shell = shell;
		this.settings = properties.uwsgi();
	}

	/** The program that runs uWSGI. */
	String command() {
		return this.settings.command();
	}

	/** The plugin's name for {@code --plugin}. */
	String name() {
		return this.settings.plugin();
	}

	/**
	 * What the plugin embeds.
	 * @return the probe's result (found or why not)
	 */
	Probe probe() {
		Probe known = this.probe;
		if (known != null && (known.python() != null || known.at().plus(RETRY).isAfter(Instant.now()))) {
			return known;
		}
		synchronized (this) {
			known = this.probe;
			if (known == null || (known.python() == null && !known.at().plus(RETRY).isAfter(Instant.now()))) {
				known = run();
				this.probe = known;
				if (known.python() != null) {
					logger.info("uWSGI's {} plugin embeds {}", name(), known.python());
				}
				else {
					logger.info("uWSGI is not available: {}", known.problem());
				}
			}
			return known;
		}
	}

	private Probe run() {
		Path script = null;
		try {
			script = Files.createTempFile("pyapp-uwsgi-probe", ".py");
			Files.writeString(script, PythonIdentity.PROBE + "\n", StandardCharsets.UTF_8);
			ExecResult result = this.shell
				.exec(ExecRequest.of(command(), "--plugin", name(), "--pyrun", script.toString(), "--disable-logging")
					.withTimeout(Duration.ofSeconds(30)));
			PythonIdentity python = PythonIdentity.parse(result.output());
			if (python != null) {
				return new Probe(python, null, Instant.now());
			}
			return new Probe(null,
					"'" + command() + " --plugin " + name() + "' did not run Python"
							+ (result.timedOut() ? " (timed out)" : " (exit code " + result.exitCode() + ")") + ": "
							+ lastLine(result.output()),
					Instant.now());
		}
		catch (PyappException ex) {
			return new Probe(null, "'" + command() + "' cannot be run (" + ex.getMessage()
					+ "); on Debian: apt-get install uwsgi-core uwsgi-plugin-python3", Instant.now());
		}
		catch (IOException ex) {
			return new Probe(null, "cannot write the probe script: " + ex.getMessage(), Instant.now());
		}
		finally {
			if (script != null) {
				DaemonFiles.deleteQuietly(script);
			}
		}
	}

	private static String lastLine(String output) {
		String[] lines = output.strip().split("\n");
		return (lines.length > 0) ? lines[lines.length - 1].strip() : "";
	}

	/**
	 * A probe's result.
	 *
	 * @param python what the plugin embeds, or {@code null} if it could not be run
	 * @param problem why not, or {@code null}
	 * @param at when it was probed
	 */
	record Probe(@Nullable PythonIdentity python, @Nullable String problem, Instant at) {
	}

}
