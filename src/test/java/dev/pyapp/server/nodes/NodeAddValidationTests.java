package dev.pyapp.server.nodes;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the Add a node form shows for a wrong field: words a person can act on, no regular
 * expression (it said "expected ^[a-z][a-z0-9-]{0,39}$, other than 'local'").
 */
class NodeAddValidationTests {

	private static final String HOST_KEY = "SHA256:" + "A".repeat(43);

	@Test
	void aBadNameAndAMissingKeyAreExplainedInWords() {
		PyappException ex = catchThrowableOfType(PyappException.class, () -> NodeRegistry
			.validate(new NodeAddRequest("Bad", "node1.example.org", 22, "root", null, false, null, null)));

		assertThat(ex.getProblems()).extracting(Problem::path, Problem::message)
			.containsExactly(
					tuple("name",
							"'Bad' is not a valid node name: use 1 to 40 lower-case letters, digits and hyphens,"
									+ " starting with a letter (not 'local')"),
					tuple("private_key", "give the private key: a key file on this server (key_path) or the key's text"
							+ " (private_key); this server's user has no ~/.ssh/id_ed25519, id_ecdsa or id_rsa to use"
							+ " instead"));
	}

	@Test // SPEC §6: nodes.add {name, host, port, user, host_key} names no key
	void aNodeWithoutAKeyUsesTheServerUsersOwnKeyAsSshWould(@TempDir Path home) throws Exception {
		NodeAddRequest bare = new NodeAddRequest("web2", "node1.example.org", 22, "root", HOST_KEY, false, null, null);
		assertThat(NodeRegistry.withDefaultKey(bare, home)).isEqualTo(bare);

		Files.createDirectories(home.resolve(".ssh"));
		Files.writeString(home.resolve(".ssh/id_rsa"), "key");
		assertThat(NodeRegistry.withDefaultKey(bare, home).keyPath()).isEqualTo(home.resolve(".ssh/id_rsa").toString());
		Files.writeString(home.resolve(".ssh/id_ed25519"), "key");
		assertThat(NodeRegistry.withDefaultKey(bare, home).keyPath())
			.isEqualTo(home.resolve(".ssh/id_ed25519").toString());
		NodeRegistry.validate(NodeRegistry.withDefaultKey(bare, home));

		NodeAddRequest named = new NodeAddRequest("web2", "node1.example.org", 22, "root", HOST_KEY, false, null,
				"/etc/pyapp/node.key");
		assertThat(NodeRegistry.withDefaultKey(named, home)).isEqualTo(named);
	}

}
