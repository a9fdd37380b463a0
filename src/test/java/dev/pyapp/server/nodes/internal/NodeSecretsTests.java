package dev.pyapp.server.nodes.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class NodeSecretsTests {

	@TempDir
	Path home;

	@Test
	void sealsAndOpensWithTheKeyInTheHome() throws Exception {
		NodeSecrets secrets = new NodeSecrets(new PyappHome(this.home));
		String sealed = secrets.encrypt("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret body\n");
		assertThat(sealed).doesNotContain("secret body").startsWith("v1:");
		assertThat(secrets.encrypt("same")).isNotEqualTo(secrets.encrypt("same"));
		// a restart reads the same key
		assertThat(new NodeSecrets(new PyappHome(this.home)).decrypt(sealed))
			.isEqualTo("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret body\n");
		assertThat(Files.getPosixFilePermissions(this.home.resolve("node-secret.key")))
			.containsExactlyInAnyOrderElementsOf(AtomicFiles.OWNER_ONLY);
	}

	@Test
	void refusesWhatAnotherKeySealedWithoutShowingIt(@TempDir Path other) {
		String sealed = new NodeSecrets(new PyappHome(other)).encrypt("token-value");
		assertThatIllegalStateException().isThrownBy(() -> new NodeSecrets(new PyappHome(this.home)).decrypt(sealed))
			.withMessageContaining("node-secret.key")
			.withMessageNotContaining("token-value");
	}

}
