package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WidgetLibraryTests {

	private static final String SPEC = """
			sections:
			  - name: blog
			    fields:
			      - {name: slug, widget: slug, default: my-blog}
			""";

	@TempDir
	Path widgets;

	@Test
	void hasTheStandardSet() {
		WidgetLibrary library = new WidgetLibrary((Path) null);
		assertThat(library.widgets()).extracting(Widget::name)
			.containsExactly("boolean", "choice", "cron", "duration", "email", "host_pattern", "hostname", "integer",
					"ip", "list", "multichoice", "number", "origin_pattern", "path", "port", "regex", "secret", "size",
					"text", "textarea", "url");
		assertThat(library.find("port").orElseThrow().type()).isEqualTo(BaseType.INTEGER);
		assertThat(library.find("multichoice").orElseThrow().type()).isEqualTo(BaseType.LIST);
		assertThat(library.find("secret").orElseThrow().secret()).isTrue();
	}

	@Test
	void siteWidgetDroppedIntoTheFolderWorksWithoutARestart() throws IOException {
		WidgetLibrary library = new WidgetLibrary(this.widgets);
		ConfigSpecReader reader = new ConfigSpecReader(library);
		PyappException before = catchThrowableOfType(PyappException.class,
				() -> reader.read("configuration.yaml", SPEC));
		assertThat(before.getProblems()).extracting(Problem::path)
			.containsExactly("configuration.yaml: sections[0].fields[0].widget");

		Files.writeString(this.widgets.resolve("slug.yaml"), """
				base: text
				label: Slug
				validation:
				  pattern: "^[a-z0-9]+(-[a-z0-9]+)*$"
				  pattern_message: "use lower-case letters, digits and single hyphens"
				  max_length: 40
				""");
		ConfigSpec spec = reader.read("configuration.yaml", SPEC);
		ConfigSpec.Field slug = spec.field("blog", "slug").orElseThrow();
		assertThat(slug.type()).isEqualTo(BaseType.STRING);
		assertThat(slug.template()).isEqualTo("widgets/text :: widget");
		assertThat(slug.validation().validator()).isEqualTo("line");
		assertThat(slug.validation().maxLength()).isEqualTo(40);
		ValidationResult result = new ConfigValues(new FieldChecker(Duration.ofMillis(200))).merge(spec,
				Map.of("blog", Map.of("slug", "Not A Slug")), Map.of());
		assertThat(result.errors())
			.containsExactly(new Problem("blog.slug", "use lower-case letters, digits and single hyphens"));
	}

	@Test
	void siteWidgetChangesAreSeenAndRemovedOnesAreGone() throws IOException {
		WidgetLibrary library = new WidgetLibrary(this.widgets);
		Path file = this.widgets.resolve("level.yaml");
		Files.writeString(file, "base: integer\nvalidation: {min: 1, max: 5}\n");
		assertThat(library.find("level").orElseThrow().validation().max()).isEqualTo(5L);
		Files.writeString(file, "base: integer\nvalidation: {min: 1, max: 10}\n");
		assertThat(library.find("level").orElseThrow().validation().max()).isEqualTo(10L);
		Files.delete(file);
		assertThat(library.find("level")).isEmpty();
	}

	@Test
	void refinementNarrowsButNeverWidensTheBase() throws IOException {
		Files.writeString(this.widgets.resolve("highport.yaml"), "base: port\nvalidation: {min: 1024, max: 99999}\n");
		Widget widget = new WidgetLibrary(this.widgets).find("highport").orElseThrow();
		assertThat(widget.validation().min()).isEqualTo(1024L);
		assertThat(widget.validation().max()).isEqualTo(65535L);
	}

	@Test
	void brokenSiteWidgetsAreLeftOutWithTheirProblems() throws IOException {
		Files.writeString(this.widgets.resolve("text.yaml"), "type: string\ntemplate: x\n");
		Files.writeString(this.widgets.resolve("odd.yaml"), "base: text\ntype: integer\n");
		Files.writeString(this.widgets.resolve("loop.yaml"), "base: loop2\n");
		Files.writeString(this.widgets.resolve("loop2.yaml"), "base: loop\n");
		Files.writeString(this.widgets.resolve("nobase.yaml"), "base: missing\n");
		Files.writeString(this.widgets.resolve("badrule.yaml"), "base: text\nvalidation: {validator: magic}\n");
		Files.writeString(this.widgets.resolve("bad.yaml"), "type: [\n");
		WidgetLibrary library = new WidgetLibrary(this.widgets);
		assertThat(library.widgets()).extracting(Widget::name)
			.doesNotContain("odd", "loop", "loop2", "nobase", "badrule", "bad");
		assertThat(library.find("text").orElseThrow().site()).isFalse();
		assertThat(library.problems()).extracting(Problem::path)
			.contains("widgets/text.yaml", "widgets/odd.yaml: type", "widgets/nobase.yaml: base",
					"widgets/badrule.yaml: validation.validator", "widgets/bad.yaml");
		assertThat(library.problems()).anySatisfy((problem) -> assertThat(problem.message()).contains("a cycle"));
	}

	@Test
	void siteWidgetMayBeAListOfASiteWidget() throws IOException {
		Files.writeString(this.widgets.resolve("slug.yaml"), "base: text\nvalidation: {pattern: \"^[a-z-]+$\"}\n");
		Files.writeString(this.widgets.resolve("slugs.yaml"), "base: list\nitem: slug\n");
		ConfigSpec spec = new ConfigSpecReader(new WidgetLibrary(this.widgets)).read("configuration.yaml", """
				sections:
				  - name: s
				    fields:
				      - {name: tags, widget: slugs, max_items: 2}
				""");
		ValidationResult result = new ConfigValues(new FieldChecker(Duration.ofMillis(200))).merge(spec,
				Map.of("s", Map.of("tags", java.util.List.of("ok", "Not OK"))), Map.of());
		assertThat(result.errors()).containsExactly(new Problem("s.tags[1]", "must match the pattern ^[a-z-]+$"));
	}

	@Test // GH-15: an archive may ship widgets of its own
	void aPackageWidgetRefinesAWidgetOfTheServerForThatPackageOnly() {
		WidgetLibrary library = new WidgetLibrary((Path) null);
		List<Problem> problems = new ArrayList<>();

		WidgetLibrary extended = library.withPackageWidgets(
				Map.of("widgets/slug.yaml", "base: text\nlabel: Slug\nvalidation:\n  pattern: \"^[a-z-]+$\"\n"),
				problems);

		assertThat(problems).isEmpty();
		assertThat(extended.find("slug").orElseThrow().template()).isEqualTo("widgets/text :: widget");
		assertThat(extended.find("text")).isPresent();
		assertThat(library.find("slug")).isEmpty();
	}

	@Test
	void aPackageWidgetNeverReplacesOneOfTheServerNorNamesATemplate() {
		WidgetLibrary library = new WidgetLibrary((Path) null);
		List<Problem> problems = new ArrayList<>();

		WidgetLibrary extended = library.withPackageWidgets(Map.of("widgets/url.yaml", "base: text\n",
				"widgets/fancy.yaml", "base: text\ntemplate: \"login :: form\"\n", "widgets/bare.yaml",
				"type: string\ntemplate: \"widgets/text :: widget\"\n"), problems);

		assertThat(problems).extracting(Problem::path)
			.containsExactlyInAnyOrder("widgets/url.yaml", "widgets/fancy.yaml: template", "widgets/bare.yaml: base");
		assertThat(problems.get(problems.size() - 1).message()).isNotBlank();
		assertThat(extended.find("url").orElseThrow().site()).isFalse();
		assertThat(extended.find("fancy")).isEmpty();
	}

}
