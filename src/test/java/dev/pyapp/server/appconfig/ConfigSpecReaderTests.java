package dev.pyapp.server.appconfig;

import java.util.List;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigSpecReaderTests {

	private final ConfigSpecReader reader = new ConfigSpecReader();

	@Test
	void readsTheSpecExampleWithWidgetsResolved() {
		ConfigSpec spec = this.reader.read("configuration.yaml", SpecFixtures.GUESTBOOK_YAML);
		assertThat(spec.output()).isEqualTo("yaml");
		assertThat(spec.sections()).extracting(ConfigSpec.Section::name).containsExactly("site", "server");
		ConfigSpec.Field title = spec.field("site", "title").orElseThrow();
		assertThat(title.type()).isEqualTo(BaseType.STRING);
		assertThat(title.label()).isEqualTo("Site title");
		assertThat(title.required()).isTrue();
		assertThat(title.defaultValue()).isEqualTo("My guestbook");
		assertThat(title.validation().patterns()).containsExactly(new Validation.PatternRule("^.{1,80}$", null));
		assertThat(title.validation().validator()).isEqualTo("line");
		assertThat(title.template()).isEqualTo("widgets/text :: widget");
		ConfigSpec.Field entries = spec.field("site", "entries_per_page").orElseThrow();
		assertThat(entries.type()).isEqualTo(BaseType.INTEGER);
		assertThat(entries.label()).isEqualTo("Entries per page");
		assertThat(entries.defaultValue()).isEqualTo(20L);
		assertThat(entries.validation().min()).isEqualTo(1L);
		assertThat(entries.validation().max()).isEqualTo(500L);
		assertThat(spec.field("site", "secret_key").orElseThrow().secret()).isTrue();
		ConfigSpec.Field port = spec.field("server", "port").orElseThrow();
		assertThat(port.validation().min()).isEqualTo(1L);
		assertThat(port.validation().max()).isEqualTo(65535L);
		ConfigSpec.Field tags = spec.field("site", "tags").orElseThrow();
		assertThat(tags.type()).isEqualTo(BaseType.LIST);
		assertThat(tags.itemType()).isEqualTo(BaseType.STRING);
		assertThat(tags.defaultValue()).isEqualTo(List.of("news", "blog"));
	}

	@Test
	void iniAndYamlOfTheSameModelGiveTheSameSpec() {
		ConfigSpec yaml = this.reader.read("configuration.yaml", SpecFixtures.GUESTBOOK_YAML);
		ConfigSpec ini = this.reader.read("configuration.ini", SpecFixtures.GUESTBOOK_INI);
		assertThat(ini).isEqualTo(yaml);
	}

	@Test
	void describesEveryFieldForAClientThatDoesNotKnowTheLibrary() {
		ConfigSpec spec = this.reader.read("configuration.yaml", SpecFixtures.GUESTBOOK_YAML);
		var site = spec.section("site").orElseThrow().describe();
		@SuppressWarnings("unchecked")
		var fields = (List<java.util.Map<String, Object>>) site.get("fields");
		assertThat(fields.get(1)).containsEntry("name", "entries_per_page")
			.containsEntry("widget", "integer")
			.containsEntry("type", "integer")
			.containsEntry("label", "Entries per page")
			.containsEntry("default", 20L)
			.containsEntry("required", false)
			.containsEntry("validation", java.util.Map.of("min", 1L, "max", 500L))
			.containsEntry("template", "widgets/integer :: widget");
		assertThat(fields.get(4)).containsEntry("widget", "secret")
			.containsEntry("secret", true)
			.containsEntry("default", null);
	}

	@Test
	void rejectsUnknownWidgetWithItsPath() {
		assertThat(problems("""
				sections:
				  - name: site
				    fields:
				      - {name: a, widget: text}
				      - {name: b, widget: text}
				      - {name: c, widget: colour}
				""")).singleElement()
			.satisfies((problem) -> assertThat(problem.path())
				.isEqualTo("configuration.yaml: sections[0].fields[2].widget"))
			.satisfies((problem) -> assertThat(problem.message()).startsWith("unknown widget 'colour' (known: "));
	}

	@Test
	void rejectsAnOptionTheWidgetDoesNotHave() {
		assertThat(problems("""
				sections:
				  - name: site
				    fields:
				      - {name: a, widget: email, max: 3}
				""")).extracting(Problem::path).containsExactly("configuration.yaml: sections[0].fields[0].max");
	}

	@Test
	void rejectsADefaultThatFailsItsOwnValidation() {
		assertThat(problems("""
				sections:
				  - name: site
				    fields:
				      - {name: entries, widget: integer, max: 500, default: 501}
				      - {name: mail, widget: email, default: nobody}
				""")).containsExactly(
				new Problem("configuration.yaml: sections[0].fields[0].default",
						"fails its own validation: must be at most 500"),
				new Problem("configuration.yaml: sections[0].fields[1].default",
						"fails its own validation: not a valid e-mail address"));
	}

	@Test
	void rejectsAPatternThatDoesNotCompile() {
		assertThat(problems("""
				sections:
				  - name: site
				    fields:
				      - {name: a, widget: text, pattern: "^(ab$"}
				""")).singleElement()
			.satisfies((problem) -> assertThat(problem.path())
				.isEqualTo("configuration.yaml: sections[0].fields[0].pattern"))
			.satisfies((problem) -> assertThat(problem.message()).startsWith("not a valid regular expression: "));
	}

	@Test
	void rejectsDuplicateNames() {
		assertThat(problems("""
				sections:
				  - name: site
				    fields:
				      - {name: a, widget: text}
				      - {name: a, widget: integer}
				  - name: site
				""")).extracting(Problem::path)
			.containsExactly("configuration.yaml: sections[0].fields[1].name", "configuration.yaml: sections[1].name");
	}

	@Test
	void rejectsDuplicateKeysAndAliasBombs() {
		assertThat(problems("""
				sections:
				  - name: site
				    name: other
				""")).singleElement().satisfies((problem) -> assertThat(problem.message()).contains("duplicate key"));
		StringBuilder bomb = new StringBuilder("a: &a [x, x]\n");
		for (char c = 'b'; c <= 'z'; c++) {
			bomb.append(c)
				.append(": &")
				.append(c)
				.append(" [*")
				.append((char) (c - 1))
				.append(", *")
				.append((char) (c - 1))
				.append("]\n");
		}
		// 52 aliases: past the one bound every YAML file
		// shares (YamlLoader.Limits.DEFAULTS)
		bomb.append("zz: [*z, *z]\n");
		assertThat(problems(bomb.toString())).singleElement()
			.satisfies((problem) -> assertThat(problem.message()).contains("aliases"));
	}

	@Test
	void rejectsMissingChoicesAndUnknownKeysEverywhere() {
		assertThat(problems("""
				format: 2
				colour: red
				sections:
				  - name: site
				    title: Site
				    fields:
				      - {name: theme, widget: choice}
				""")).extracting(Problem::path)
			.containsExactlyInAnyOrder("configuration.yaml: format", "configuration.yaml: colour",
					"configuration.yaml: sections[0].title", "configuration.yaml: sections[0].fields[0].choices");
	}

	@Test
	void reportsIniProblemsWithTheirSectionAndField() {
		PyappException ex = catchThrowableOfType(PyappException.class, () -> this.reader.read("configuration.ini", """
				[site]
				title = text(required=true, colour=red)
				title = integer
				count = integer(1, 2, 3)
				broken = text(default="open
				"""));
		assertThat(ex.getProblems()).extracting(Problem::path)
			.containsExactly("configuration.ini: site.count", "configuration.ini: site.broken",
					"configuration.ini: site.title.colour", "configuration.ini: line 3 site.title");
	}

	@Test
	void anEmptySpecHasNoFields() {
		assertThat(this.reader.read("configuration.yaml", "format: 1\n").isEmpty()).isTrue();
		assertThat(ConfigSpec.empty().isEmpty()).isTrue();
	}

	private List<Problem> problems(String yaml) {
		PyappException ex = catchThrowableOfType(PyappException.class,
				() -> this.reader.read("configuration.yaml", yaml));
		assertThat(ex).isNotNull();
		assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
		return ex.getProblems();
	}

}
