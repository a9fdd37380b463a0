package dev.pyapp.server.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime's WSGI shim ({@code pyapp_runtime.wsgi}) and its request metrics, driven by
 * hand in {@code /usr/bin/python3}: {@code src/test/python/test_wsgi_shim.py} (unittest),
 * which covers list and streaming bodies, {@code close()}, exceptions before, after and
 * during the response, {@code start_response} with {@code exc_info}, the request path per
 * thread, the Apache mount prefix and {@code PYAPP_METRICS=0}.
 */
@Tag("process")
class WsgiShimIT {

	@Test
	void shimUnitTestsPass() throws Exception {
		ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-m", "unittest", "discover", "-s",
				Path.of("src/test/python").toAbsolutePath().toString(), "-p", "test_*.py");
		builder.environment().put("PYTHONPATH", Path.of("src/main/resources/python").toAbsolutePath().toString());
		builder.environment().remove("PYAPP_METRICS");
		builder.environment().remove("PYAPP_LOG_SOCKET");
		builder.redirectErrorStream(true);
		Process process = builder.start();
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			assertThat(output).contains("OK");
		}
		finally {
			process.destroyForcibly();
		}
	}

}
