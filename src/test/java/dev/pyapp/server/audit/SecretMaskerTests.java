package dev.pyapp.server.audit;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskerTests {

	@Test
	void masksMembersNamedLikeSecretsAtAnyDepth() {
		Object masked = SecretMasker.mask(Map.of("name", "web2", "private_key", "-----BEGIN OPENSSH PRIVATE KEY-----",
				"nested", Map.of("password", "hunter2hunter2", "api_key", "k", "token", "t", "keep", "visible"), "list",
				List.of(Map.of("secret", "s", "plain", 1))));
		assertThat(masked.toString()).doesNotContain("BEGIN", "hunter2", "=k", "=t", "=s")
			.contains("name=web2", "private_key=***", "password=***", "api_key=***", "token=***", "keep=visible",
					"secret=***", "plain=1");
	}

	@Test
	void masksThePasswordOrTokenOfAUrl() {
		assertThat(SecretMasker.maskText("https://alice:s3cret@git.example.org/app.git"))
			.isEqualTo("https://alice:***@git.example.org/app.git");
		assertThat(SecretMasker.maskText("https://ghp_abcdef@github.com/o/r.git"))
			.isEqualTo("https://***@github.com/o/r.git");
		assertThat(SecretMasker.maskText("https://github.com/o/r.git")).isEqualTo("https://github.com/o/r.git");
	}

	@Test // found in a trial: apps.run's command kept a password given as an option
	void masksSecretOptionsOfACommandLine() {
		Object masked = SecretMasker.mask(Map.of("name", "notes", "command",
				List.of("flask", "create-user", "alice", "--password", "wonderland1")));
		assertThat(masked.toString()).doesNotContain("wonderland1")
			.contains("[flask, create-user, alice, --password, ***]");
	}

	@Test
	void boundsWhatIsKept() {
		assertThat(SecretMasker.maskText("x".repeat(5000))).hasSizeLessThan(2100).endsWith("[truncated]");
	}

}
