package dev.pyapp.server.venv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How apps' Python environments are built.
 *
 * @param interpreters the interpreters apps may use; empty: every {@code python3} and
 * {@code python3.x} found on {@code PATH} and in {@code /usr/bin}
 * @param index where dependencies not in an archive's {@code deps/} come from:
 * {@code pip} (the host's own pip configuration), {@code none} (offline) or an index URL
 * @param pipTimeout how long one pip run may take
 * @param provision whether gunicorn and the {@code pyapp_runtime} shim are installed into
 * {@code server-packages/} as soon as the server is up (false: when first needed)
 * @param pipRetries pip's {@code --retries} when the operator set none (pip.conf,
 * {@code PIP_RETRIES}); pip's own default, 5 with backoff, costs about 8 s per
 * requirement when an index is unreachable
 * @param pipNetworkTimeout pip's {@code --timeout} (per connection) when the operator set
 * none ({@code timeout} or {@code default-timeout} in pip.conf, {@code PIP_TIMEOUT},
 * {@code PIP_DEFAULT_TIMEOUT}); pip's own default is 15 s
 * @param reuseEnvironment whether an upgrade whose dependencies did not change starts
 * from a copy of the live release's environment (pip then only confirms it) rather than
 * from nothing
 */
@ConfigurationProperties("pyapp.python")
record PythonProperties(@DefaultValue List<Path> interpreters, @DefaultValue("pip") String index,
		@DefaultValue("10m") Duration pipTimeout, @DefaultValue("true") boolean provision,
		@DefaultValue("2") int pipRetries, @DefaultValue("10s") Duration pipNetworkTimeout,
		@DefaultValue("true") boolean reuseEnvironment) {

	boolean offline() {
		return "none".equals(this.index);
	}

	boolean hostConfiguration() {
		return "pip".equals(this.index);
	}

}
