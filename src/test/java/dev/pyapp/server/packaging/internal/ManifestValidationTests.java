package dev.pyapp.server.packaging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.packaging.AppManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.pyapp.server.packaging.Packages.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of {@code metadata.yaml} (SPEC §1): one invalid document per rule, each
 * giving exactly one problem that names the key path and what was expected.
 */
class ManifestValidationTests {

	private static final String KEYS = "format, name, version, summary, python, entry, dependencies, resources, "
			+ "static, daemon, health, updates, hooks, tasks";

	/**
	 * @param name the rule
	 * @param yaml the document
	 * @param path the problem's path
	 * @param message the start of its message (all of it unless it quotes a library)
	 */
	record Case(String name, String yaml, String path, String message) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	private static String with(String more) {
		return MINIMAL + more;
	}

	private static String replacing(String line, String replacement) {
		return MINIMAL.replace(line, replacement);
	}

	static Stream<Case> invalidDocuments() {
		return Stream.of(
				// the document
				new Case("empty", "", "metadata.yaml", "the document is empty; expected a mapping of keys"),
				new Case("a list", "- format: 1\n", "metadata.yaml",
						"expected a mapping with the keys " + KEYS + "; found a list"),
				new Case("bad syntax", "name: [unclosed\n", "metadata.yaml", "not valid YAML: "),
				new Case("two documents", MINIMAL + "---\n" + MINIMAL, "metadata.yaml", "not valid YAML: "),
				new Case("an unknown key", with("author: me\n"), "metadata.yaml: author",
						"unknown key; expected one of " + KEYS),
				new Case("a duplicate key", with("name: again\n"), "metadata.yaml: name",
						"duplicate key; each key may appear once"),
				new Case("a merge key", with("<<: {summary: x}\n"), "metadata.yaml: <<",
						"unknown key; expected one of "),
				// identity
				new Case("no format", replacing("format: 1\n", ""), "metadata.yaml: format",
						"required; expected 1, the only known format"),
				new Case("format 2", replacing("format: 1", "format: 2"), "metadata.yaml: format",
						"expected 1, the only known format; found '2'"),
				new Case("no name", replacing("name: hello\n", ""), "metadata.yaml: name",
						"required; expected an app name such as 'guestbook'"),
				new Case("a name too long", replacing("name: hello", "name: " + "a".repeat(41)), "metadata.yaml: name",
						"expected a lowercase letter followed by at most 39 lowercase letters, digits or '-' "
								+ "(^[a-z][a-z0-9-]{0,39}$); found '" + "a".repeat(41) + "'"),
				new Case("a name as a list", replacing("name: hello", "name: [hello]"), "metadata.yaml: name",
						"expected an app name such as 'guestbook'; found a list"),
				new Case("no version", replacing("version: 0.1.0\n", ""), "metadata.yaml: version",
						"required; expected a PEP 440 version such as '1.4.0'"),
				new Case("a version not PEP 440", replacing("version: 0.1.0", "version: 1.0-final-x"),
						"metadata.yaml: version", "expected a PEP 440 version such as '1.4.0'; found '1.0-final-x'"),
				new Case("a summary of two lines", with("summary: \"one\\ntwo\"\n"), "metadata.yaml: summary",
						"expected one line of at most 200 characters"),
				new Case("a python specifier without operator", with("python: \"3.9\"\n"), "metadata.yaml: python",
						"expected a PEP 440 specifier such as '>=3.9': '3.9' is not a version clause"),
				new Case("a python specifier with a bad clause", with("python: \">=3.9,<\"\n"), "metadata.yaml: python",
						"expected a PEP 440 specifier such as '>=3.9': '<' is not a version clause"),
				// entry
				new Case("no entry", "format: 1\nname: hello\nversion: 0.1.0\n", "metadata.yaml: entry",
						"required; expected a mapping with exactly one of wsgi or factory (module.path:attribute)"),
				new Case("both wsgi and factory", with("").replace("entry:\n", "entry:\n  factory: hello.web:create\n"),
						"metadata.yaml: entry", "expected exactly one of wsgi or factory; found both"),
				new Case("an entry without attribute", replacing("hello.web:application", "hello.web"),
						"metadata.yaml: entry.wsgi",
						"expected module.path:attribute, such as guestbook.web:application; found 'hello.web'"),
				new Case("an empty entry", replacing("  wsgi: hello.web:application", "  wsgi:"),
						"metadata.yaml: entry", "expected exactly one of wsgi or factory; found neither"),
				new Case("an unknown entry kind", replacing("  wsgi: hello.web:application", "  asgi: hello.web:app"),
						"metadata.yaml: entry.asgi", "unknown key; expected one of wsgi, factory"),
				// dependencies
				new Case("a dependency as a string", with("dependencies:\n  - bottle\n"),
						"metadata.yaml: dependencies[0]",
						"expected a mapping with the keys requirement, scope; found 'bottle'"),
				new Case("a dependency without requirement", with("dependencies:\n  - scope: local\n"),
						"metadata.yaml: dependencies[0].requirement",
						"required; expected a PEP 508 requirement such as 'bottle==0.12.25'"),
				new Case("a requirement that is not PEP 508",
						with("dependencies:\n  - requirement: bottle\n  - requirement: \"bottle=>0.12\"\n"),
						"metadata.yaml: dependencies[1].requirement",
						"'bottle=>0.12': '=>0.12' is not a version clause"),
				new Case("a requirement with a bad URL", with("dependencies:\n  - requirement: \"x @ wheels/x.whl\"\n"),
						"metadata.yaml: dependencies[0].requirement",
						"'x @ wheels/x.whl': 'wheels/x.whl' is not a URL (such as file:///wheels/x.whl or https://...)"),
				new Case("an unknown scope",
						with("dependencies:\n  - requirement: bottle\n  - requirement: flask\n    scope: global\n"),
						"metadata.yaml: dependencies[1].scope", "expected local or shared; found 'global'"),
				// resources
				new Case("a writable path", with("resources:\n  writable: [../up]\n"),
						"metadata.yaml: resources.writable[0]",
						"expected a single directory name of letters, digits, '_', '.' or '-' (not 'db', which holds the "
								+ "databases); found '../up'"),
				new Case("a writable named db", with("resources:\n  writable: [db]\n"),
						"metadata.yaml: resources.writable[0]",
						"expected a single directory name of letters, digits, '_', '.' or '-' (not 'db'"),
				new Case("a writable twice", with("resources:\n  writable: [cache, Cache]\n"),
						"metadata.yaml: resources.writable[1]",
						"'Cache' is listed twice (names are compared as PYAPP_WRITABLE_<NAME>)"),
				new Case("a database name", with("resources:\n  databases:\n    - {name: Main, kind: sqlite}\n"),
						"metadata.yaml: resources.databases[0].name",
						"expected a lowercase letter followed by lowercase letters, digits or '_' (^[a-z][a-z0-9_]*$); "
								+ "found 'Main'"),
				new Case("a database kind", with("resources:\n  databases:\n    - {name: main, kind: postgres}\n"),
						"metadata.yaml: resources.databases[0].kind", "expected sqlite or mongodb; found 'postgres'"),
				new Case("a database twice", with(
						"resources:\n  databases:\n    - {name: main, kind: sqlite}\n    - {name: main, kind: mongodb}\n"),
						"metadata.yaml: resources.databases[1].name",
						"'main' is listed twice; database names must be unique"),
				new Case("a database without kind", with("resources:\n  databases:\n    - {name: main}\n"),
						"metadata.yaml: resources.databases[0].kind", "required; expected sqlite or mongodb"),
				// static
				new Case("a static url without slash", with("static:\n  - {url: static, path: static}\n"),
						"metadata.yaml: static[0].url", "expected a URL path such as /static: '/' followed by names"),
				new Case("a static url of /", with("static:\n  - {url: /, path: static}\n"),
						"metadata.yaml: static[0].url", "expected a URL path such as /static"),
				new Case("a static path escaping", with("static:\n  - {url: /s, path: ../outside}\n"),
						"metadata.yaml: static[0].path",
						"expected a relative path inside the archive (names separated by '/', no '..', no leading '/'); "
								+ "found '../outside'"),
				new Case("an absolute static path", with("static:\n  - {url: /s, path: /etc}\n"),
						"metadata.yaml: static[0].path", "expected a relative path inside the archive"),
				new Case("a static path in the venv", with("static:\n  - {url: /s, path: venv/lib, generated: true}\n"),
						"metadata.yaml: static[0].path",
						"'venv/lib' is where the server builds the release's Python environment"),
				new Case("generated as text", with("static:\n  - {url: /s, path: s, generated: maybe}\n"),
						"metadata.yaml: static[0].generated", "expected true or false; found 'maybe'"),
				new Case("an exclude pattern that escapes",
						with("static:\n  - {url: /s, path: s, generated: true, exclude: [../secret]}\n"),
						"metadata.yaml: static[0].exclude[0]", "expected a file pattern of letters, digits"),
				new Case("an exclude pattern with a regex",
						with("static:\n  - {url: /s, path: s, generated: true, exclude: [\"a(b|c)\"]}\n"),
						"metadata.yaml: static[0].exclude[0]", "expected a file pattern of letters, digits"),
				// daemon
				new Case("a daemon method", with("daemon:\n  method: gevent\n"), "metadata.yaml: daemon.method",
						"expected threading or processes; found 'gevent'"),
				new Case("no workers", with("daemon:\n  workers: 0\n"), "metadata.yaml: daemon.workers",
						"expected an integer from 1 to 64; found '0'"),
				new Case("too many threads", with("daemon:\n  threads: 1000\n"), "metadata.yaml: daemon.threads",
						"expected an integer from 1 to 256; found '1000'"),
				new Case("threads as text", with("daemon:\n  threads: \"4\"\n"), "metadata.yaml: daemon.threads",
						"expected an integer from 1 to 256; found '4'"),
				new Case("a bind kind", with("daemon:\n  bind: tcp\n"), "metadata.yaml: daemon.bind",
						"expected socket or port; found 'tcp'"),
				new Case("an app server", with("daemon:\n  server: waitress\n"), "metadata.yaml: daemon.server",
						"expected gunicorn or uwsgi; found 'waitress'"),
				new Case("an app server as a list", with("daemon:\n  server: [uwsgi]\n"),
						"metadata.yaml: daemon.server", "expected gunicorn or uwsgi"),
				// resources.limits
				new Case("a memory size without number", with("resources:\n  limits:\n    memory: lots\n"),
						"metadata.yaml: resources.limits.memory", "expected a size such as 512MB or 2G; found 'lots'"),
				new Case("too little memory", with("resources:\n  limits:\n    memory: 1MB\n"),
						"metadata.yaml: resources.limits.memory", "expected at least 16MB of memory"),
				new Case("too few processes", with("resources:\n  limits:\n    processes: 2\n"),
						"metadata.yaml: resources.limits.processes",
						"expected an integer from 8 to 4194304; found '2'"),
				new Case("open files as text", with("resources:\n  limits:\n    open_files: many\n"),
						"metadata.yaml: resources.limits.open_files", "expected an integer from 16 to 1048576"),
				new Case("cpu as text", with("resources:\n  limits:\n    cpu: fast\n"),
						"metadata.yaml: resources.limits.cpu", "expected a number of cores such as 1.5; found 'fast'"),
				new Case("no cpu", with("resources:\n  limits:\n    cpu: 0\n"), "metadata.yaml: resources.limits.cpu",
						"expected a number of cores from 0.01 to 1024"),
				new Case("an unknown limit", with("resources:\n  limits:\n    disk: 1G\n"),
						"metadata.yaml: resources.limits.disk",
						"unknown key; expected one of memory, processes, open_files, cpu"),
				// health
				new Case("a health path without slash", with("health:\n  path: health\n"), "metadata.yaml: health.path",
						"expected a path below the mount starting with '/', such as /health; found 'health'"),
				new Case("a health host with a path", with("health:\n  host: example.org/x\n"),
						"metadata.yaml: health.host", "expected a host name such as www.example.org"),
				new Case("a health host with a line break", with("health:\n  host: \"a.org\\r\\nX: y\"\n"),
						"metadata.yaml: health.host", "expected a host name such as www.example.org"),
				new Case("a timeout without unit", with("health:\n  timeout: 10\n"), "metadata.yaml: health.timeout",
						"expected a duration from 1ms to 10m such as 10s, 500ms or 2m; found '10'"),
				new Case("a timeout too long", with("health:\n  timeout: 1h\n"), "metadata.yaml: health.timeout",
						"expected a duration from 1ms to 10m such as 10s, 500ms or 2m; found '1h'"),
				// updates
				new Case("an update strategy", with("updates:\n  strategy: newest\n"),
						"metadata.yaml: updates.strategy",
						"expected always-latest, one-branch or latest-tag; found 'newest'"),
				new Case("one-branch without branch", with("updates:\n  strategy: one-branch\n"),
						"metadata.yaml: updates.branch",
						"required with strategy one-branch; expected a branch name such as main"),
				new Case("latest-tag without pattern", with("updates:\n  strategy: latest-tag\n"),
						"metadata.yaml: updates.tag_pattern",
						"required with strategy latest-tag; expected a glob such as v*"),
				new Case("a branch name", with("updates:\n  strategy: one-branch\n  branch: \"-main\"\n"),
						"metadata.yaml: updates.branch", "expected a git branch name such as main; found '-main'"),
				new Case("auto as text", with("updates:\n  auto: maybe\n"), "metadata.yaml: updates.auto",
						"expected true or false; found 'maybe'"),
				// hooks
				new Case("an unknown hook", with("hooks:\n  post-deploy: hello.hooks:x\n"),
						"metadata.yaml: hooks.post-deploy",
						"unknown key; expected one of post-install, pre-update, post-update, pre-delete"),
				new Case("a hook not callable", with("hooks:\n  pre-update: \"hello/hooks.py\"\n"),
						"metadata.yaml: hooks.pre-update",
						"expected module.path:attribute, such as myapp.hooks:pre_update; found 'hello/hooks.py'"),
				// tasks
				new Case("a schedule of 4 fields", with("tasks:\n  - {name: t, schedule: '*/30 * * *', call: a:b}\n"),
						"metadata.yaml: tasks[0].schedule",
						"expected a 5-field cron expression (minute hour day-of-month month day-of-week) such as "
								+ "'*/30 * * * *'; found 4 fields"),
				new Case("a schedule of 6 fields",
						with("tasks:\n  - {name: t, schedule: '0 */30 * * * *', call: a:b}\n"),
						"metadata.yaml: tasks[0].schedule", "expected a 5-field cron expression"),
				new Case("a schedule out of range", with("tasks:\n  - {name: t, schedule: '61 * * * *', call: a:b}\n"),
						"metadata.yaml: tasks[0].schedule", "'61 * * * *' is not a valid cron expression: "),
				new Case("a task twice",
						with("tasks:\n  - {name: t, schedule: '* * * * *', call: a:b}\n"
								+ "  - {name: t, schedule: '* * * * *', call: a:c}\n"),
						"metadata.yaml: tasks[1].name", "'t' is listed twice; task names must be unique"),
				new Case("a task without call", with("tasks:\n  - {name: t, schedule: '* * * * *'}\n"),
						"metadata.yaml: tasks[0].call",
						"required; expected module.path:attribute, such as myapp.tasks:purge"),
				new Case("a task with an unknown key",
						with("tasks:\n  - {name: t, schedule: '* * * * *', call: a:b, timeout: 5}\n"),
						"metadata.yaml: tasks[0].timeout", "unknown key; expected one of name, schedule, call"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidDocuments")
	void refusesWithOneProblemNamingTheKey(Case invalid) {
		List<Problem> problems = parse(invalid.yaml());

		assertThat(problems).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo(invalid.path());
			assertThat(problem.message()).startsWith(invalid.message());
		});
	}

	@Test
	void explainsAScheduleOutOfRangeWithoutTheSixFieldFormTheAppNeverWrote() {
		List<Problem> problems = parse(with("tasks:\n  - {name: t, schedule: '61 * * * *', call: a:b}\n"));

		assertThat(problems).singleElement()
			.satisfies((problem) -> assertThat(problem.message()).contains("MinuteOfHour")
				.contains("61")
				.doesNotContain("0 61 * * * *"));
	}

	@Test
	void reportsEveryProblemOfADocumentAtOnce() {
		List<Problem> problems = parse("""
				format: 1
				name: Hello
				version: one
				entry: {wsgi: x}
				daemon: {workers: -1, bind: tcp}
				colour: blue
				""");

		assertThat(problems).extracting(Problem::path)
			.containsExactly("metadata.yaml: colour", "metadata.yaml: name", "metadata.yaml: version",
					"metadata.yaml: entry.wsgi", "metadata.yaml: daemon.workers", "metadata.yaml: daemon.bind");
	}

	@Test
	void keepsScalarsAsWritten() {
		List<Problem> problems = new ArrayList<>();
		AppManifest manifest = ManifestParser.parse(
				replacing("version: 0.1.0", "version: 1.10") + "summary: 2024-01-01\n", PackagingProperties.defaults(),
				problems);

		assertThat(problems).isEmpty();
		assertThat(manifest.version()).isEqualTo("1.10");
		assertThat(manifest.summary()).isEqualTo("2024-01-01");
	}

	@Test
	void readsTheLimitsAnAppAsksFor() {
		List<Problem> problems = new ArrayList<>();
		AppManifest manifest = ManifestParser.parse(with(
				"resources:\n  limits:\n    memory: 512MB\n    processes: 64\n    open_files: 4096\n    cpu: 1.5\n"),
				PackagingProperties.defaults(), problems);

		assertThat(problems).isEmpty();
		assertThat(manifest.resources().limits()).isEqualTo(new AppManifest.Limits(512L << 20, 64, 4096, 1.5));
		assertThat(ManifestParser
			.parse(with("resources:\n  limits:\n    memory: 2G\n"), PackagingProperties.defaults(), problems)
			.resources()
			.limits()
			.memory()).isEqualTo(2L << 30);
	}

	@Test
	void acceptsTheRequirementForms() {
		assertThat(Stream.of("bottle", "bottle==0.12.25", "Flask[async]>=2.0,<3", "requests (>=2.8.1)",
				"name @ file:///srv/wheels/name-1.0-py3-none-any.whl", "pywin32>=1.0 ; sys_platform == 'win32'",
				"zope.interface~=5.0", "a-b_c.d===1.0"))
			.allSatisfy((requirement) -> assertThat(Pep508Requirement.problem(requirement)).isNull());
	}

	private static List<Problem> parse(String yaml) {
		List<Problem> problems = new ArrayList<>();
		ManifestParser.parse(yaml, PackagingProperties.defaults(), problems);
		return problems;
	}

}
