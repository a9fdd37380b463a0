package dev.pyapp.server.core;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every bound of the one YAML loader, each refused with an error naming the file.
 */
class YamlLoaderTests {

	private static final YamlLoader.Limits SMALL = new YamlLoader.Limits(4, 4, 200);

	private final YamlLoader loader = new YamlLoader(SMALL, YamlLoader.Schema.YAML_1_2);

	@Test
	void loadsPlainValues() {
		assertThat(this.loader.load("a.yaml", "name: x\nitems: [1, true, no, 1.5]\n"))
			.isEqualTo(Map.of("name", "x", "items", List.of(1, true, "no", 1.5)));
		assertThat(this.loader.load("a.yaml", "")).isNull();
		assertThat(this.loader.load("a.yaml", "\uFEFFname: x\n")).isEqualTo(Map.of("name", "x"));
	}

	@Test
	void composesNodesKeepingTheTextAsWritten() {
		YamlLoader yaml11 = new YamlLoader(SMALL, YamlLoader.Schema.YAML_1_1);
		MappingNode root = (MappingNode) yaml11.compose("metadata.yaml", "version: 1.10\nenabled: yes\n");
		assertThat(((ScalarNode) root.getValue().get(0).getValueNode()).getValue()).isEqualTo("1.10");
		assertThat(root.getValue().get(1).getValueNode().getTag().getValue()).endsWith(":bool");
		assertThat(yaml11.compose("metadata.yaml", "# nothing\n")).isNull();
	}

	@Test
	void refusesAliasesToCollectionsPastTheLimit() {
		String laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n";
		assertThat(this.loader.load("spec.yaml", laughs)).isNotNull();
		assertRefused(() -> this.loader.load("spec.yaml", laughs + "d: [*c, *c]\n"), "spec.yaml",
				"anchors and aliases are expanded past the limit of 4 (a 'billion laughs' document)");
		assertRefused(() -> this.loader.compose("spec.yaml", laughs + "d: [*c, *c]\n"), "spec.yaml",
				"anchors and aliases are expanded past the limit of 4");
	}

	@Test
	void refusesNestingPastTheLimit() {
		assertThat(this.loader.load("deep.yaml", "a: {b: {c: [1]}}\n")).isNotNull();
		assertRefused(() -> this.loader.load("deep.yaml", "a: {b: {c: [[1]]}}\n"), "deep.yaml",
				"nested deeper than 4 levels");
	}

	@Test
	void refusesDocumentsLargerThanTheLimit() {
		assertThat(this.loader.load("big.yaml", "a: " + "x".repeat(150) + "\n")).isNotNull();
		assertRefused(() -> this.loader.load("big.yaml", "a: " + "x".repeat(5000) + "\n"), "big.yaml",
				"larger than 200 characters");
	}

	@Test
	void refusesTags() {
		assertRefused(() -> this.loader.load("tags.yaml", "a: !!python/object/apply:os.system [ls]\n"), "tags.yaml",
				"tag");
		assertRefused(() -> this.loader.compose("tags.yaml", "a: !!python/object/apply:os.system [ls]\n"), "tags.yaml",
				"tag");
		assertRefused(() -> this.loader.compose("tags.yaml", "a: !local x\n"), "tags.yaml",
				"the tag !local is not allowed (line 1)");
		assertRefused(() -> this.loader.load("tags.yaml", "a: !<tag:example.com,2024:thing> x\n"), "tags.yaml", "tag");
		assertThat(this.loader.load("tags.yaml", "a: !!str 1\n")).isEqualTo(Map.of("a", "1"));
	}

	@Test
	void refusesDuplicateKeysAndSeveralDocuments() {
		assertRefused(() -> this.loader.load("dup.yaml", "a: 1\na: 2\n"), "dup.yaml", "not valid YAML: ");
		assertRefused(() -> this.loader.load("two.yaml", "a: 1\n---\nb: 2\n"), "two.yaml", "not valid YAML: ");
		assertRefused(() -> this.loader.load("bad.yaml", "a: [unclosed\n"), "bad.yaml", "not valid YAML: ");
	}

	private static void assertRefused(Runnable load, String file, String reason) {
		assertThatExceptionOfType(YamlLoader.InvalidYamlException.class).isThrownBy(load::run).satisfies((ex) -> {
			assertThat(ex.file()).isEqualTo(file);
			assertThat(ex.reason()).contains(reason);
			assertThat(ex.getMessage()).startsWith(file + ": ");
			assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
			assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.path()).isEqualTo(file));
		});
	}

}
