package dev.pyapp.server.nodes;

import org.junit.jupiter.api.Test;

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
							+ " (private_key)"));
	}

}
