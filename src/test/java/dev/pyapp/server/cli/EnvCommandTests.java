package dev.pyapp.server.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.cli.internal.EnvVariables;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code env}, {@code env set}, {@code env unset}: the variables of {@code apps.get}, and
 * only the change sent with {@code apps.env.set} to merge on the server.
 */
class EnvCommandTests extends CliCommandTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private static final String BLOG = """
			{"name": "blog", "state": "running", "process": {"state": "running", "pid": 42},
			 "env": {"GREETING": "hello", "DATABASE_URL": "postgresql://blog:s3cret@db/blog"}}
			""";

	@Test
	void listsNameEqualsValueSortedByName() {
		this.server.result("apps.get", BLOG);
		CliRun run = pyapp("env", "blog");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("apps.get").toString()).isEqualTo("{\"name\":\"blog\"}");
		assertThat(run.out()).isEqualTo("DATABASE_URL=postgresql://blog:s3cret@db/blog\nGREETING=hello\n");
	}

	@Test
	void listsNothingAndSaysSoOrTheVariablesAsJson() {
		this.server.result("apps.get", "{\"name\": \"blog\", \"env\": {}}");
		assertThat(pyapp("env", "blog").out()).isEqualTo("no environment variables set for blog\n");
		this.server.result("apps.get", BLOG);
		assertThat(pyapp("--json", "env", "blog").out().replaceAll("\\s", ""))
			.isEqualTo("{\"DATABASE_URL\":\"postgresql://blog:s3cret@db/blog\",\"GREETING\":\"hello\"}");
	}

	@Test
	void aViewerIsToldTheValuesAreHidden() {
		this.server.result("apps.get", "{\"name\": \"blog\", \"env\": {\"SECRET_KEY\": \"***\"}}");
		CliRun run = pyapp("env", "blog");
		assertThat(run.out()).isEqualTo("SECRET_KEY=***\n");
		assertThat(run.err()).isEqualTo("note: the values are hidden from viewers\n");
	}

	@Test
	void setSendsOnlyTheAssignmentsToMergeAndSaysTheAppRestarted() {
		this.server.result("apps.get", BLOG);
		this.server.result("apps.env.set", "{\"name\": \"blog\", \"restart_needed\": false}");
		CliRun run = pyapp("env", "set", "blog", "GREETING=hi there", "SENTRY_DSN=https://k@o.ingest/1", "EMPTY=",
				"EQUALS=a=b");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(this.server.params("apps.env.set").toString()).isEqualTo("{\"name\":\"blog\",\"env\":{"
				+ "\"GREETING\":\"hi there\",\"SENTRY_DSN\":\"https://k@o.ingest/1\",\"EMPTY\":\"\",\"EQUALS\":\"a=b\"},"
				+ "\"merge\":true}");
		assertThat(run.out()).isEqualTo("set GREETING, SENTRY_DSN, EMPTY, EQUALS on blog\nblog restarted to use them\n")
			.doesNotContain("hi there");
	}

	@Test
	void setWithNoRestartSaysTheAppRunsTheOldValues() {
		this.server.result("apps.get", BLOG);
		this.server.result("apps.env.set", "{\"name\": \"blog\", \"restart_needed\": true}");
		CliRun run = pyapp("env", "set", "blog", "GREETING=hi", "--no-restart");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("apps.env.set").path("restart").asBoolean(true)).isFalse();
		assertThat(run.out()).isEqualTo(
				"set GREETING on blog\nblog still runs with the old values until it restarts: pyapp restart blog\n");
	}

	@Test
	void setOnAStoppedAppSaysTheyApplyFromItsNextStart() {
		this.server.result("apps.get", "{\"name\": \"blog\", \"process\": {\"state\": \"stopped\"}, \"env\": {}}");
		this.server.result("apps.env.set", "{\"name\": \"blog\", \"restart_needed\": false}");
		CliRun run = pyapp("env", "set", "blog", "A=1");
		assertThat(run.out()).isEqualTo("set A on blog\nblog is stopped: they apply from its next start\n");
		assertThat(this.server.params("apps.env.set").has("restart")).isFalse();
	}

	@Test
	void setOfTheSameValueChangesNothing() {
		this.server.result("apps.get", BLOG);
		CliRun run = pyapp("env", "set", "blog", "GREETING=hello");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("nothing changed: GREETING already set so on blog\n");
		assertThat(this.server.calls("apps.env.set")).isEmpty();
	}

	@Test
	void badAssignmentsAreUsageErrorsNamingTheArgumentBeforeAnyCall() {
		CliRun run = pyapp("env", "set", "blog", "GREETING=hi", "DEBUG");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains("'DEBUG' is not NAME=value");
		assertThat(pyapp("env", "set", "blog", "1ST=x").err())
			.contains("'1ST=x': '1ST' is not a variable name (letters, digits and _, not starting with a digit)");
		assertThat(pyapp("env", "set", "blog", "pyapp_name=x").err())
			.contains("'pyapp_name=x': names starting with PYAPP_ are the server's own variables");
		assertThat(pyapp("env", "set", "blog", "=x").err()).contains("'=x' has no name before '='");
		assertThat(pyapp("env", "set", "blog").exitCode()).isEqualTo(2);
		assertThat(pyapp("env").exitCode()).isEqualTo(2);
		assertThat(pyapp("env", "unset", "blog", "A=b").err()).contains("takes names only");
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void unsetRemovesWhatIsSetAndNotesWhatIsNot() {
		this.server.result("apps.get", BLOG);
		this.server.result("apps.env.set", "{\"name\": \"blog\", \"restart_needed\": false}");
		CliRun run = pyapp("env", "unset", "blog", "GREETING", "MISSING");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("apps.env.set").toString())
			.isEqualTo("{\"name\":\"blog\",\"env\":{},\"merge\":true,\"unset\":[\"GREETING\",\"MISSING\"]}");
		assertThat(run.out()).isEqualTo("unset GREETING on blog\nblog restarted to use them\n");
		assertThat(run.err()).isEqualTo("note: MISSING is not set on blog\n");
		this.server.requests().clear();
		assertThat(pyapp("env", "unset", "blog", "MISSING").out()).isEqualTo("nothing changed on blog\n");
		assertThat(this.server.calls("apps.env.set")).isEmpty();
	}

	@Test
	void aRefusalOfTheServerIsAnApiError() {
		this.server.result("apps.get", BLOG);
		this.server.error("apps.env.set", -32004, "forbidden: apps.env.set needs the role deployer", null);
		CliRun run = pyapp("env", "set", "blog", "A=1");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("needs the role deployer");
	}

	// what our own RPC layer answers for a param its record does not have
	// (RpcParamTypesTests.anUnknownParamIsInvalidParamsNamingIt), here from a server
	// before merge
	private static final String OLDER_SERVER = """
			{"type": "invalid-params",
			 "detail": "Unrecognized property \\"merge\\" (class dev.pyapp.server.rpc.AppsRpc$EnvParams), not marked as ignorable"}
			""";

	@Test
	void anOlderServerWithoutMergeIsNamedAndNothingIsSentAgain() {
		this.server.result("apps.get", BLOG);
		this.server.error("apps.env.set", -32602, "Invalid params", OLDER_SERVER);
		CliRun run = pyapp("env", "set", "blog", "A=1");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err())
			.startsWith("error: the server is older than this CLI: its apps.env.set does not take "
					+ "'merge'; nothing was changed on blog\n")
			.contains("upgrade the server")
			.contains("run it again with --send-all")
			.contains("a change someone else makes to them in between is lost");
		// no read-modify-write behind the operator's back: the one refused call only
		assertThat(this.server.calls("apps.env.set")).hasSize(1);
		this.server.requests().clear();
		CliRun unset = pyapp("env", "unset", "blog", "GREETING");
		assertThat(unset.exitCode()).isEqualTo(1);
		assertThat(unset.err()).contains("pyapp env unset sends only the change");
		assertThat(this.server.calls("apps.env.set")).hasSize(1);
	}

	@Test
	void anOtherInvalidParamsAnswerIsShownAsItIs() {
		this.server.result("apps.get", BLOG);
		this.server.error("apps.env.set", -32602, "Invalid params",
				"{\"type\": \"invalid-params\", \"detail\": \"'env.A' must be a string, got a number\"}");
		CliRun run = pyapp("env", "set", "blog", "A=1");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: Invalid params: 'env.A' must be a string, got a number\n");
	}

	@Test
	void anOlderServerWithoutRestartFalseIsToldToo() {
		this.server.result("apps.get", BLOG);
		this.server.error("apps.env.set", -32602, "Invalid params",
				"{\"type\": \"invalid-params\", \"detail\": \"Unrecognized property \\\"restart\\\" (class x)\"}");
		CliRun run = pyapp("env", "set", "blog", "A=1", "--no-restart", "--send-all");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("does not take 'restart'").contains("without --no-restart");
	}

	@Test // the RPC layer names an unknown param in its own words now, not Jackson's
	void anUnknownParamInTheServersOwnWordsIsFoundInItsErrors() {
		this.server.result("apps.get", BLOG);
		this.server.error("apps.env.set", -32602, "Invalid params", """
				{"type": "invalid-params", "detail": "unknown param 'merge': expected one of env, name",
				 "errors": [{"path": "merge", "message": "unknown param; expected one of env, name"}]}
				""");
		CliRun run = pyapp("env", "set", "blog", "A=1");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: the server is older than this CLI: its apps.env.set does not take "
				+ "'merge'; nothing was changed on blog\n");
	}

	@Test
	void sendAllSendsEveryVariableAsReadWithTheChangeAndNoMerge() {
		this.server.result("apps.get", BLOG);
		this.server.result("apps.env.set", "{\"name\": \"blog\", \"restart_needed\": false}");
		CliRun run = pyapp("env", "set", "blog", "GREETING=hi", "--send-all");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(this.server.params("apps.env.set").toString())
			.isEqualTo("{\"name\":\"blog\",\"env\":{\"DATABASE_URL\":\"postgresql://blog:s3cret@db/blog\","
					+ "\"GREETING\":\"hi\"}}");
		assertThat(run.out()).isEqualTo("set GREETING on blog\nblog restarted to use them\n");
		assertThat(run.err()).contains("--send-all").contains("lost");
		this.server.requests().clear();
		CliRun unset = pyapp("env", "unset", "blog", "GREETING", "--send-all", "--no-restart");
		assertThat(unset.exitCode()).as(unset.err()).isZero();
		assertThat(this.server.params("apps.env.set").toString()).isEqualTo(
				"{\"name\":\"blog\",\"env\":{\"DATABASE_URL\":\"postgresql://blog:s3cret@db/blog\"},\"restart\":false}");
	}

	// two operators at once: the old client read every variable and
	// sent them all back
	@Test
	void concurrentChangesOfOtherVariablesAllSurvive() throws Exception {
		Map<String, String> stored = new TreeMap<>(Map.of("KEEP", "1"));
		// all clients have read the variables before either writes
		CyclicBarrier bothRead = new CyclicBarrier(3);
		this.server.answer("apps.get", (params) -> {
			String env;
			synchronized (stored) {
				env = this.mapper.writeValueAsString(stored);
			}
			try {
				bothRead.await(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("the other clients did not read", ex);
			}
			return this.server
				.rpcResult("{\"name\": \"blog\", \"process\": {\"state\": \"stopped\"}, \"env\": " + env + "}");
		});
		// as the server does: merge applies to the variables as stored,
		// else they are replaced
		this.server.answer("apps.env.set", (params) -> {
			synchronized (stored) {
				Map<String, String> env = this.mapper.convertValue(params.path("env"), new TypeReference<>() {
				});
				if (!params.path("merge").asBoolean(false)) {
					stored.clear();
				}
				stored.putAll(env);
				params.path("unset").forEach((name) -> stored.remove(name.asString()));
			}
			return this.server.rpcResult("{\"name\": \"blog\", \"restart_needed\": false}");
		});
		ExecutorService operators = Executors.newFixedThreadPool(3);
		try {
			List<Future<CliRun>> runs = List.of(operators.submit(() -> pyapp("env", "set", "blog", "ALICE=a")),
					operators.submit(() -> pyapp("env", "set", "blog", "BOB=b")),
					operators.submit(() -> pyapp("env", "unset", "blog", "KEEP")));
			for (Future<CliRun> run : runs) {
				assertThat(run.get(30, TimeUnit.SECONDS).exitCode()).isZero();
			}
		}
		finally {
			operators.shutdownNow();
		}
		assertThat(stored).containsExactly(Map.entry("ALICE", "a"), Map.entry("BOB", "b"));
		assertThat(this.server.calls("apps.env.set")).hasSize(3);
	}

	@Test
	void theHelpSaysWhatHappensToTheApp() {
		CliRun run = pyapp("env", "--help");
		assertThat(run.out()).contains("[NAME] [COMMAND]")
			.contains("pyapp env set blog DATABASE_URL=")
			.contains("set")
			.contains("unset")
			.contains("--keep-data")
			.contains("older than this CLI");
		assertThat(pyapp("env", "set", "--help").out()).contains("--no-restart")
			.contains("K=V")
			.contains("--send-all")
			.contains("older than this CLI");
		assertThat(pyapp("env", "unset", "--help").out()).contains("--send-all");
	}

	@Test
	void assignmentsNamesAndChanges() {
		assertThat(EnvVariables.assignments(List.of("A=1", "B==2", "A=3"))).containsExactly(Map.entry("B", "=2"),
				Map.entry("A", "3"));
		assertThat(EnvVariables.names(List.of("A", "_B", "A"))).containsExactly("A", "_B");
		assertThatIllegalArgumentException().isThrownBy(() -> EnvVariables.names(List.of("A-B")))
			.withMessageContaining("'A-B'");
		assertThatIllegalArgumentException().isThrownBy(() -> EnvVariables.assignments(List.of(" A=1")))
			.withMessageContaining("' A=1'");
		Map<String, String> current = Map.of("A", "1", "B", "2");
		assertThat(EnvVariables.changed(current, Map.of("A", "1", "B", "9"))).containsExactly("B");
	}

}
