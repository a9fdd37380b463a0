package dev.pyapp.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.pyapp.server.cli.internal.ErrorReporter;
import dev.pyapp.server.cli.internal.JsonCodec;
import dev.pyapp.server.cli.internal.RpcClient;
import dev.pyapp.server.cli.internal.TokenLocator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp}: the command-line client of PyApp Server (SPEC §7). It starts no Spring
 * context and reaches the server only through the JSON-RPC API ({@code POST /rpc}) and
 * the archive upload ({@code POST /api/archives}). Exit codes: 0 ok, 1 API error
 * (including an unreachable server or a missing token), 2 usage error.
 * <p>
 * The help is as wide as {@code bin/pyapp} finds the terminal
 * ({@code -Dpicocli.usage.width}), else 80 columns: picocli's own detection would start
 * {@code stty} from the JVM on every help.
 */
@Command(name = "pyapp", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
		versionProvider = PyappCli.Version.class, sortOptions = false,
		description = "Manage a PyApp Server through its JSON-RPC API.", exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:ok", "1:API error (an error answer, HTTP 401/400, server unreachable)", "2:usage error" })
public class PyappCli implements Callable<Integer> {

	static final String DEFAULT_URL = "http://127.0.0.1:8800/rpc";

	/**
	 * The commands, in the order of the help: what the list of commands shows of each
	 * ({@link #command} gives its class). The descriptions are the constants the
	 * commands' annotations use, which the compiler copies here: listing them loads no
	 * command class.
	 */
	static final List<Summary> COMMANDS = List.of(new Summary("info", InfoCommand.DESCRIPTION),
			new Summary("apps", AppsCommand.DESCRIPTION), new Summary("install", InstallCommand.DESCRIPTION),
			new Summary("update", UpdateCommand.DESCRIPTION), new Summary("rollback", RollbackCommand.DESCRIPTION),
			new Summary("remove", RemoveCommand.DESCRIPTION), new Summary("start", ProcessCommand.Start.DESCRIPTION),
			new Summary("stop", ProcessCommand.Stop.DESCRIPTION),
			new Summary("restart", ProcessCommand.Restart.DESCRIPTION), new Summary("scale", ScaleCommand.DESCRIPTION),
			new Summary("limits", LimitsCommand.DESCRIPTION), new Summary("config", ConfigCommand.DESCRIPTION),
			new Summary("env", EnvCommand.DESCRIPTION), new Summary("servers", ServersCommand.DESCRIPTION),
			new Summary("mounts", MountsCommand.DESCRIPTION), new Summary("webserver", WebserverCommand.DESCRIPTION),
			new Summary("logs", LogsCommand.DESCRIPTION), new Summary("tasks", TasksCommand.DESCRIPTION),
			new Summary("hooks", HooksCommand.DESCRIPTION), new Summary("run", RunCommand.DESCRIPTION),
			new Summary("shell", ShellCommand.DESCRIPTION), new Summary("package", PackageCommand.DESCRIPTION),
			new Summary("init", InitCommand.DESCRIPTION), new Summary("nodes", NodesCommand.DESCRIPTION),
			new Summary("deploy-keys", DeployKeysCommand.DESCRIPTION), new Summary("audit", AuditCommand.DESCRIPTION),
			new Summary("users", UsersCommand.DESCRIPTION), new Summary("tokens", TokensCommand.DESCRIPTION),
			new Summary("server", ServerCommand.DESCRIPTION), new Summary("rpc", RpcCommand.DESCRIPTION));

	/** Global options that take a value, as they may stand before the command. */
	private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--url", "--token", "--node");

	@Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
			description = "the API endpoint (default: $PYAPP_URL, else%n  " + DEFAULT_URL + ")")
	@Nullable String url;

	@Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
			description = "the API token (default: $PYAPP_TOKEN, else $PYAPP_HOME/api-token on the server's host)")
	@Nullable String token;

	@Option(names = "--node", scope = ScopeType.INHERIT, paramLabel = "NODE",
			description = "run the command on this node (pyapp nodes list) instead of the server itself: "
					+ "every call names it, as {\"node\": NODE}")
	@Nullable String node;

	@Option(names = "--json", scope = ScopeType.INHERIT,
			description = "print the raw result JSON (for scripts); an error the server answered is printed "
					+ "as {\"error\": {code, message, data}} (usage errors print nothing on stdout)")
	boolean json;

	@Spec
	CommandSpec spec;

	private final Map<String, String> env;

	private final Path workingDirectory;

	private final boolean terminal;

	private final Clock clock;

	private @Nullable JsonCodec codec;

	private @Nullable RpcClient client;

	/**
	 * Creates the root command.
	 * @param env the environment ({@code PYAPP_URL}, {@code PYAPP_TOKEN},
	 * {@code PYAPP_HOME}, {@code NO_COLOR})
	 * @param workingDirectory where relative paths are resolved
	 * @param terminal whether stdout is a terminal (colours)
	 * @param clock the clock relative times ({@code --since 10m}) are counted from
	 */
	public PyappCli(Map<String, String> env, Path workingDirectory, boolean terminal, Clock clock) {
		this.env = Map.copyOf(env);
		this.workingDirectory = workingDirectory.toAbsolutePath();
		this.terminal = terminal;
		this.clock = clock;
	}

	public static void main(String[] args) {
		// never send a POST (an install, a removal) twice because a kept-alive
		// connection turned out to be closed: RpcClient
		System.setProperty("sun.net.http.retryPost", "false");
		PyappCli cli = new PyappCli(System.getenv(), Path.of(""), System.console() != null, Clock.systemUTC());
		System.exit(commandLine(cli, args).execute(args));
	}

	/**
	 * The command line for a root command with every command, with the error reporting of
	 * the CLI.
	 * @param cli the root command
	 * @return the command line to {@code execute} any arguments with
	 */
	public static CommandLine commandLine(PyappCli cli) {
		CommandLine commandLine = new CommandLine(cli);
		COMMANDS.forEach((summary) -> commandLine.addSubcommand(command(summary.name())));
		commandLine.setExecutionExceptionHandler(new ErrorReporter(cli::json));
		return commandLine;
	}

	/**
	 * The command line to run some arguments with. Only the command they name is built;
	 * the others are only listed, by name and description, for the help and for usage
	 * errors: picocli's reflection over every option of every command was most of the
	 * start-up time.
	 * @param cli the root command
	 * @param args the arguments that will be executed
	 * @return the command line to {@code execute} the arguments with
	 */
	public static CommandLine commandLine(PyappCli cli, String[] args) {
		CommandLine commandLine = new CommandLine(cli);
		String requested = requestedCommand(args);
		for (Summary summary : COMMANDS) {
			if (summary.name().equals(requested)) {
				commandLine.addSubcommand(command(requested));
			}
			else {
				commandLine.addSubcommand(summary.spec());
			}
		}
		commandLine.setExecutionExceptionHandler(new ErrorReporter(cli::json));
		return commandLine;
	}

	/**
	 * The class of a command, by name. A switch rather than a table of classes: only the
	 * class of the command that runs is loaded, and no annotation is read to find it.
	 * @param name the command's name
	 * @return its class, or {@code null} if there is no such command
	 */
	static @Nullable Class<?> command(String name) {
		return switch (name) {
			case "info" -> InfoCommand.class;
			case "apps" -> AppsCommand.class;
			case "install" -> InstallCommand.class;
			case "update" -> UpdateCommand.class;
			case "rollback" -> RollbackCommand.class;
			case "remove" -> RemoveCommand.class;
			case "start" -> ProcessCommand.Start.class;
			case "stop" -> ProcessCommand.Stop.class;
			case "restart" -> ProcessCommand.Restart.class;
			case "scale" -> ScaleCommand.class;
			case "limits" -> LimitsCommand.class;
			case "config" -> ConfigCommand.class;
			case "env" -> EnvCommand.class;
			case "servers" -> ServersCommand.class;
			case "mounts" -> MountsCommand.class;
			case "webserver" -> WebserverCommand.class;
			case "logs" -> LogsCommand.class;
			case "tasks" -> TasksCommand.class;
			case "hooks" -> HooksCommand.class;
			case "run" -> RunCommand.class;
			case "shell" -> ShellCommand.class;
			case "package" -> PackageCommand.class;
			case "init" -> InitCommand.class;
			case "nodes" -> NodesCommand.class;
			case "deploy-keys" -> DeployKeysCommand.class;
			case "audit" -> AuditCommand.class;
			case "users" -> UsersCommand.class;
			case "tokens" -> TokensCommand.class;
			case "server" -> ServerCommand.class;
			case "rpc" -> RpcCommand.class;
			default -> null;
		};
	}

	private static @Nullable String requestedCommand(String[] args) {
		for (int i = 0; i < args.length; i++) {
			if (OPTIONS_WITH_VALUE.contains(args[i])) {
				i++;
			}
			else if (!args[i].startsWith("-")) {
				return args[i];
			}
		}
		return null;
	}

	@Override
	public Integer call() {
		throw new ParameterException(this.spec.commandLine(), "Missing required subcommand");
	}

	boolean json() {
		return this.json;
	}

	/**
	 * The node {@code --node} names, or {@code null} for the server itself.
	 */
	@Nullable String node() {
		return this.node;
	}

	/** Created on first use: {@code --help} needs no JSON. */
	synchronized JsonCodec codec() {
		if (this.codec == null) {
			this.codec = new JsonCodec();
		}
		return this.codec;
	}

	String pretty(JsonNode node) {
		return codec().pretty(node);
	}

	Map<String, String> env() {
		return this.env;
	}

	Path workingDirectory() {
		return this.workingDirectory;
	}

	Clock clock() {
		return this.clock;
	}

	/**
	 * Whether to colour output: stdout is a terminal and {@code NO_COLOR} is not set.
	 */
	boolean colour() {
		String noColor = this.env.get("NO_COLOR");
		return this.terminal && (noColor == null || noColor.isEmpty());
	}

	/**
	 * The API client, created on first use (commands that fail before calling the server
	 * need no token).
	 * @return the client
	 * @throws CliException if there is no token
	 */
	synchronized RpcClient client() {
		if (this.client == null) {
			URI endpoint = endpoint();
			this.client = new RpcClient(endpoint, TokenLocator.token(this.token, this.env, this.workingDirectory),
					codec(), this.node);
		}
		return this.client;
	}

	URI endpoint() {
		String value = (this.url != null) ? this.url : this.env.getOrDefault("PYAPP_URL", DEFAULT_URL);
		// name where the value came from: a stale PYAPP_URL is not fixed by looking at
		// --url
		String source = (this.url != null) ? "--url" : "PYAPP_URL";
		try {
			URI uri = new URI(value.trim());
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new ParameterException(this.spec.commandLine(),
						source + " must be an http(s) URL such as " + DEFAULT_URL + ", not '" + value + "'");
			}
			// the server's address alone (http://host:8800) means its API endpoint
			String path = uri.getRawPath();
			return (path == null || path.isEmpty() || path.equals("/")) ? uri.resolve("/rpc") : uri;
		}
		catch (URISyntaxException ex) {
			throw new ParameterException(this.spec.commandLine(), source + " is not a URL: " + ex.getMessage());
		}
	}

	/**
	 * The version in the jar's manifest.
	 */
	static class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = PyappCli.class.getPackage().getImplementationVersion();
			return new String[] { "pyapp " + ((version != null) ? version : "development") };
		}

	}

	/**
	 * What the list of commands shows of a command.
	 *
	 * @param name its name
	 * @param description its description
	 */
	record Summary(String name, String description) {

		/**
		 * A stand-in for the command that only lists it.
		 */
		CommandSpec spec() {
			CommandSpec spec = CommandSpec.create().name(this.name);
			spec.usageMessage().description(this.description);
			return spec;
		}

	}

}
