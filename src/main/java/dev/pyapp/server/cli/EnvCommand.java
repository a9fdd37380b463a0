package dev.pyapp.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.pyapp.server.cli.internal.EnvVariables;
import dev.pyapp.server.cli.internal.ErrorReporter;
import dev.pyapp.server.cli.internal.JsonCodec;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pyapp env NAME | env set NAME K=V... | env unset NAME K...}: the operator's
 * environment variables of an app ({@code apps.get}'s {@code env}, {@code apps.env.set}).
 * {@code set} and {@code unset} send only the variables named, with {@code merge: true}
 * ({@code unset: [names]}): the server changes them in the variables as stored when the
 * call runs, so two operators changing other variables of one app at the same moment both
 * keep their change. The variables are read first only to say what changes. A server
 * older than the CLI refuses {@code merge} as an unknown param: the command says so and
 * changes nothing, unless {@code --send-all} asks to send every variable back instead.
 */
@Command(name = "env", description = EnvCommand.DESCRIPTION,
		subcommands = { EnvCommand.Set.class, EnvCommand.Unset.class },
		footer = { "%nExamples:", "  pyapp env blog                                  NAME=value lines",
				"  pyapp env set blog DATABASE_URL=postgresql://u:p@db/blog DEBUG=0", "  pyapp env unset blog DEBUG",
				"%nValues often hold secrets: the audit log keeps only the names, and a viewer sees '***'.",
				"A running app restarts gracefully to use changed variables unless --no-restart is given.",
				"'pyapp remove --keep-data' keeps them for a re-install.",
				"A server older than this CLI cannot merge a change: see --send-all in 'pyapp env set --help'." })
class EnvCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, set or unset an app's environment variables.";

	/** What a viewer sees instead of a value (the server's rpc.EnvValues). */
	private static final String MASK = "***";

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "the app whose variables to list (NAME=value lines)")
	@Nullable String name;

	@Override
	public Integer call() throws Exception {
		if (this.name == null) {
			throw usage("give the app: pyapp env NAME, pyapp env set NAME K=V..., pyapp env unset NAME K...");
		}
		String app = this.name;
		Map<String, String> env = EnvVariables.of(call("apps.get", params("name", app)));
		if (json()) {
			printJson(object(cli().codec(), env));
			out().flush();
			return 0;
		}
		env.forEach((key, value) -> out().println(key + "=" + Text.oneLine(value)));
		if (env.isEmpty()) {
			out().println("no environment variables set for " + app);
		}
		else if (env.values().stream().allMatch(MASK::equals)) {
			err().println("note: the values are hidden from viewers");
		}
		out().flush();
		return 0;
	}

	static ObjectNode object(JsonCodec codec, Map<String, String> env) {
		ObjectNode object = codec.objectNode();
		env.forEach(object::put);
		return object;
	}

	/**
	 * {@code set} and {@code unset}: read the variables to say what changes, send the
	 * change to merge (or, with {@code --send-all}, every variable back).
	 */
	abstract static class Change extends ApiCommand {

		@Option(names = "--send-all", description = {
				"for a server older than this CLI (its apps.env.set has no merge): send every "
						+ "variable of the app back, as read just before with this change made here, replacing them all.",
				"A change someone else makes to the app's variables between that read and the save is lost "
						+ "(a variable set meanwhile disappears, one changed or removed gets its old value back)." })
		boolean sendAll;

		/**
		 * Sends the change and says what the app does with it.
		 * @param app the app
		 * @param current its {@code apps.get} before the change
		 * @param env the variables to set
		 * @param unset the names to remove
		 * @param noRestart whether a running app is left running with the old values
		 * @param done what changed, in words
		 * @return exit code 0, or 1 when the server is too old for the call
		 */
		int save(String app, JsonNode current, Map<String, String> env, List<String> unset, boolean noRestart,
				String done) throws InterruptedException {
			String before = current.path("process").path("state").asString("");
			Boolean restart = noRestart ? Boolean.FALSE : null;
			JsonNode result;
			try {
				if (this.sendAll) {
					// read-modify-write, asked for: the variables as read, changed here
					Map<String, String> all = new TreeMap<>(EnvVariables.of(current));
					all.putAll(env);
					unset.forEach(all::remove);
					result = call("apps.env.set",
							params("name", app, "env", object(cli().codec(), all), "restart", restart));
					err().println("note: sent every variable of " + app
							+ " back (--send-all): a change made to them by someone else since the read is lost");
				}
				else {
					result = call("apps.env.set", params("name", app, "env", object(cli().codec(), env), "restart",
							restart, "merge", Boolean.TRUE, "unset", unset.isEmpty() ? null : unset));
				}
			}
			catch (CliApiException ex) {
				String unknown = unknownParam(ex);
				if (unknown == null) {
					throw ex;
				}
				return olderServer(app, unknown);
			}
			return show(result, (saved) -> {
				out().println(done + " on " + app);
				if (saved.path("restart_needed").asBoolean(false)) {
					out().println(app + " still runs with the old values until it restarts: pyapp restart " + app);
				}
				else if ("running".equals(before)) {
					out().println(app + " restarted to use them");
				}
				else {
					out().println(app + " is " + (before.isEmpty() ? "not running" : before)
							+ ": they apply from its next start");
				}
			});
		}

		/**
		 * A server older than this CLI refused a param of {@code apps.env.set} it does
		 * not know: nothing was saved. Says so and what to do, rather than falling back
		 * to sending every variable, which would lose other operators' changes unasked.
		 */
		private int olderServer(String app, String param) {
			String command = "pyapp env " + this.spec.name();
			err().println("error: the server is older than this CLI: its apps.env.set does not take '" + param
					+ "'; nothing was changed on " + app);
			if ("restart".equals(param)) {
				err().println("  upgrade the server, or run " + command
						+ " again without --no-restart (a running app then restarts)");
			}
			else {
				err().println("  " + command + " sends only the change with merge: true, so that changes other "
						+ "operators make at the same time are kept; this server cannot merge");
				err().println("  upgrade the server to this CLI's version, then run it again");
				err().println("  or, knowing the risk, run it again with --send-all: every variable of " + app
						+ " is read and sent back, and a change someone else makes to them in between is lost");
			}
			err().flush();
			return ErrorReporter.API_ERROR;
		}

	}

	@Command(name = "set", description = "Set variables of an app, keeping the others (a running app restarts).")
	static class Set extends Change {

		@Parameters(index = "0", paramLabel = "NAME", description = "the app")
		String app = "";

		@Parameters(index = "1..*", arity = "1..*", paramLabel = "K=V",
				description = "a variable and its value (K= sets an empty value)")
		List<String> assignments = new ArrayList<>();

		@Option(names = "--no-restart",
				description = "save without restarting a running app (it uses them from its next start)")
		boolean noRestart;

		@Override
		public Integer call() throws Exception {
			Map<String, String> assignments;
			try {
				assignments = EnvVariables.assignments(this.assignments);
			}
			catch (IllegalArgumentException ex) {
				throw usage(String.valueOf(ex.getMessage()));
			}
			JsonNode current = call("apps.get", params("name", this.app));
			Map<String, String> env = EnvVariables.of(current);
			List<String> changed = EnvVariables.changed(env, assignments);
			if (changed.isEmpty()) {
				return show(current, (app) -> out().println("nothing changed: "
						+ String.join(", ", assignments.keySet()) + " already set so on " + this.app));
			}
			return save(this.app, current, assignments, List.of(), this.noRestart, "set " + String.join(", ", changed));
		}

	}

	@Command(name = "unset", description = "Remove variables of an app (a running app restarts).")
	static class Unset extends Change {

		@Parameters(index = "0", paramLabel = "NAME", description = "the app")
		String app = "";

		@Parameters(index = "1..*", arity = "1..*", paramLabel = "K", description = "a variable's name")
		List<String> names = new ArrayList<>();

		@Option(names = "--no-restart",
				description = "save without restarting a running app (it keeps them until it restarts)")
		boolean noRestart;

		@Override
		public Integer call() throws Exception {
			List<String> names;
			try {
				names = EnvVariables.names(this.names);
			}
			catch (IllegalArgumentException ex) {
				throw usage(String.valueOf(ex.getMessage()));
			}
			JsonNode current = call("apps.get", params("name", this.app));
			Map<String, String> env = EnvVariables.of(current);
			List<String> present = names.stream().filter(env::containsKey).toList();
			names.stream()
				.filter((name) -> !env.containsKey(name))
				.forEach((name) -> err().println("note: " + name + " is not set on " + this.app));
			if (present.isEmpty()) {
				return show(current, (app) -> out().println("nothing changed on " + this.app));
			}
			return save(this.app, current, Map.of(), names, this.noRestart, "unset " + String.join(", ", present));
		}

	}

}
