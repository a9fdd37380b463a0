package dev.pyapp.server.venv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-line message of a failed pip run.
 */
class VenvBuilderTests {

	@Test // trial-dash: a missing dependency said only "installing dependencies failed"
	void aFailedPipRunNamesWhatPipCouldNotFind() {
		String output = """
				$ pip install dash-no-such-package>=1
				WARNING: Retrying (Retry(total=0)) after connection broken: /simple/dash-no-such-package/
				ERROR: Could not find a version that satisfies the requirement dash-no-such-package>=1 (from versions: none)
				ERROR: No matching distribution found for dash-no-such-package>=1
				""";
		assertThat(VenvBuilder.failure("installing dependencies failed", false, output))
			.isEqualTo("installing dependencies failed: No matching distribution found for dash-no-such-package>=1");
		assertThat(VenvBuilder.failure("installing dependencies failed", false, "Collecting x\nKilled\n"))
			.isEqualTo("installing dependencies failed");
		assertThat(VenvBuilder.failure("installing dependencies failed", true, output))
			.isEqualTo("installing dependencies failed (pip timed out)");
	}

	@Test
	void quotesALongPipErrorLineCutAtTheBound() {
		String message = VenvBuilder.failure("failed", false, "ERROR: " + "x".repeat(5000) + "\n");

		assertThat(message).hasSize("failed: ".length() + VenvBuilder.MAX_CAUSE + 1).endsWith("x…");
	}

}
