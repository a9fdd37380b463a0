package dev.pyapp.server.deploy;

import java.time.Instant;

import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a rollback says about the data, in both directions.
 */
class RollbackResultTests {

	private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

	private final Release first = release("1.0-20261201T100000Z", T0);

	private final Release second = release("2.0-20261202T100000Z", T0.plusSeconds(86400));

	@Test
	void toAnOlderReleaseSaysTheDataStaysAsTheNewerLeftIt() {
		assertThat(new RollbackResult(this.second, this.first).note()).isEqualTo(
				"release 1.0-20261201T100000Z is older than 2.0-20261202T100000Z: a rollback returns to older code, "
						+ "not to older data: data/ and the databases stay as 2.0-20261202T100000Z left them "
						+ "(migrations it ran are not reversed)");
	}

	@Test // leftovers: rolling "back" to a newer release said it returned to the earlier
			// code
	void toANewerReleaseSaysItIsNewerAndNothingIsMigrated() {
		String note = new RollbackResult(this.first, this.second).note();
		assertThat(note).startsWith("release 2.0-20261202T100000Z is newer than 1.0-20261201T100000Z: ")
			.contains("data/ and the databases stay as they are")
			.contains("no update hooks run")
			.doesNotContain("earlier")
			.doesNotContain("older");
	}

	private static Release release(String releaseId, Instant created) {
		return new Release(Release.id("blog", releaseId), "blog", releaseId,
				releaseId.substring(0, releaseId.indexOf('-')), "blog.pyapp", "0".repeat(64), null, created,
				ReleaseState.LIVE, null);
	}

}
