package dev.pyapp.server.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link AppId#valid} accepts exactly what {@link AppId#PATTERN} matches.
 */
class AppIdTests {

	@Test
	void acceptsWhatThePatternMatches() {
		List<String> names = new ArrayList<>(List.of("", "a", "z", "blog", "my-app-2", "a-", "-a", "1a", "A", "aB",
				"a_b", "a.b", "a b", "a\n", "\na", "é", "a".repeat(40), "a".repeat(41), "b" + "0".repeat(39),
				"b" + "-".repeat(40), "ab\u0000"));
		Random random = new Random(17);
		String alphabet = "az09-_A.\n é`{/:";
		for (int i = 0; i < 20_000; i++) {
			StringBuilder name = new StringBuilder();
			int length = random.nextInt(44);
			for (int j = 0; j < length; j++) {
				name.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			names.add(name.toString());
			// mostly valid names, which a random string rarely is
			names.add("a" + name.toString().replaceAll("[^a-z0-9-]", "b"));
		}
		for (String name : names) {
			assertThat(AppId.valid(name)).as("'%s'", name).isEqualTo(AppId.PATTERN.matcher(name).matches());
		}
		assertThat(AppId.valid(null)).isFalse();
	}

	@Test
	void refusesAnInvalidName() {
		assertThat(AppId.of("blog").value()).isEqualTo("blog");
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> AppId.of("Blog"))
			.withMessage("invalid app name");
	}

}
