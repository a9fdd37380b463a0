package dev.pyapp.server.isolation;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The naming scheme of apps' system users: within Linux's 32 characters for every valid
 * app name, readable where it fits, and never the same for two apps or two servers.
 */
class AccountNamesTests {

	private static final Path HOME = Path.of("/srv/pyapp");

	@Test
	void prefixesANameThatFits() {
		assertThat(AccountNames.candidates(AppId.of("guestbook"), HOME)).first().isEqualTo("pyapp-guestbook");
		String longest = "a" + "b".repeat(25);
		assertThat(AccountNames.candidates(AppId.of(longest), HOME)).first()
			.isEqualTo("pyapp-" + longest)
			.asString()
			.hasSize(32);
	}

	@Test
	void shortensALongerNameWithAHashOfItAndTheServersHome() {
		String name = "a-very-long-application-name-of-40-chars";
		assertThat(name).hasSize(40);

		List<String> candidates = AccountNames.candidates(AppId.of(name), HOME);

		assertThat(candidates).hasSize(1);
		assertThat(candidates.get(0)).hasSize(32).startsWith("pyapp_a-very-long-app_").matches("^[a-z_][a-z0-9_-]*$");
	}

	@Test
	void everyValidNameFitsTheLimit() {
		for (int length = 1; length <= 40; length++) {
			String name = "x" + "9-".repeat(20).substring(0, length - 1);
			for (String candidate : AccountNames.candidates(AppId.of(name), HOME)) {
				assertThat(candidate.length()).as(name).isLessThanOrEqualTo(32);
				assertThat(candidate).matches("^[a-z_][a-z0-9_-]{0,31}$");
			}
		}
	}

	@Test
	void longNamesWithTheSameStartGetDifferentUsers() {
		String one = AccountNames.candidates(AppId.of("shared-prefix-for-many-apps-number-one"), HOME).get(0);
		String two = AccountNames.candidates(AppId.of("shared-prefix-for-many-apps-number-two"), HOME).get(0);

		assertThat(one).isNotEqualTo(two);
	}

	@Test
	void theTwoFormsNeverMeet() {
		// a short name that mimics the long form of another app cannot be it: app names
		// hold no '_'
		Set<String> seen = new HashSet<>();
		for (String name : List.of("guestbook", "pyapp", "a-very-long-application-name-of-40-chars",
				"shared-prefix-for-many-apps-number-one")) {
			for (String candidate : AccountNames.candidates(AppId.of(name), HOME)) {
				assertThat(seen.add(candidate)).as(candidate).isTrue();
			}
		}
		assertThat(AccountNames.candidates(AppId.of("guestbook"), HOME).get(0)).doesNotContain("_");
	}

	@Test
	void anotherServerOnTheHostGetsAnotherHashedName() {
		AppId app = AppId.of("guestbook");

		assertThat(AccountNames.candidates(app, HOME).get(1))
			.isNotEqualTo(AccountNames.candidates(app, Path.of("/tmp/other-home")).get(1));
	}

}
