package dev.pyapp.server.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTests {

	@Test
	void removesTheUserInfoOfUrls() {
		assertThat(Redaction.urls("pip from https://user:tok@pypi.example/simple"))
			.isEqualTo("pip from https://***@pypi.example/simple");
	}

	@Test // found in a trial: `pyapp run notes -- flask create-user alice --password x`
			// logged x
	void masksTheValueAfterASecretOption() {
		assertThat(Redaction.arguments(List.of("flask", "create-user", "alice", "--password", "wonderland1")))
			.containsExactly("flask", "create-user", "alice", "--password", "***");
		assertThat(Redaction.arguments(List.of("tool", "--api-key", "k", "-secret", "s", "--token", "t", "last")))
			.containsExactly("tool", "--api-key", "***", "-secret", "***", "--token", "***", "last");
	}

	@Test
	void masksAssignedSecrets() {
		assertThat(Redaction
			.arguments(List.of("env", "SECRET_KEY=abc", "--password=hunter2", "db.password=x", "DEBUG=1", "python")))
			.containsExactly("env", "SECRET_KEY=***", "--password=***", "db.password=***", "DEBUG=1", "python");
	}

	@Test
	void keepsOptionsThatNameAFileAndFlagsWithoutValue() {
		assertThat(Redaction.arguments(List.of("cli", "--token-file", "/run/t", "--password", "--verbose", "x")))
			.containsExactly("cli", "--token-file", "/run/t", "--password", "--verbose", "x");
		assertThat(Redaction.arguments(List.of("alembic", "upgrade", "head"))).containsExactly("alembic", "upgrade",
				"head");
	}

	@Test
	void masksUrlsInArguments() {
		assertThat(Redaction.arguments(List.of("psql", "postgresql://app:pw@db/app"))).containsExactly("psql",
				"postgresql://***@db/app");
	}

}
