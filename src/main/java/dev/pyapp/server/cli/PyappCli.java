package dev.pyapp.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code pyapp}: the command-line client of PyApp Server (SPEC §7). It starts no Spring
 * context and reaches the server only through the JSON-RPC API ({@code POST /rpc}) and
 * the archive upload ({@code POST /api/archives}). Exit codes: 0 ok, 1 API error
 * (including an unreachable server or a missing token), 2 usage error.
 */
@Command(name = "pyapp", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
		versionProvider = PyappCli.Version.class, sortOptions = false, usageHelpAutoWidth = true,
		description = "Manage a PyApp Server through its JSON-RPC API.", exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:ok", "1:API error (an error answer, HTTP 401/400, server unreachable)", "2:usage error" })
public class PyappCli implements Callable<Integer> {

	static final String DEFAULT_URL = "http://127.0.0.1:8800/rpc";

	/** The commands, in the order of the help. */
	static final List<Class<?>> COMMANDS = List.of(InfoCommand.class, AppsCommand.class, InstallCommand.class,
			UpdateCommand.class, RollbackCommand.class, RemoveCommand.class, ProcessCommand.Start.class,
			ProcessCommand.Stop.class, ProcessCommand.Restart.class, ConfigCommand.class, ServersCommand.class,
			MountsCommand.class, WebserverCommand.class, LogsCommand.class, TasksCommand.class, HooksCommand.class,
			NodesCommand.class, AuditCommand.class, UsersCommand.class, TokensCommand.class, RpcCommand.class);

	/** Global options that take a value, as they may stand before the command. */
	private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--url", "--token");

	@Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
			description = "the API endpoint (default: $PYAPP_URL, else%n  " + DEFAULT_URL + ")")
	@Nullable String url;

	@Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
			description = "the API token (default: $PYAPP_TOKEN, else $PYAPP_HOME/api-token on the server's host)")
	@Nullable String token;

	@Option(names = "--json", scope = ScopeType.INHERIT, description = "print the raw result JSON (for scripts)")
	boolean json;

	@Spec
	CommandSpec spec;

	private final Map<String, String> env;

	private final Path workingDirectory;

	private final boolean terminal;

	private final Clock clock;

	private @Nullable JsonMapper mapper;

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
		PyappCli cli = new PyappCli(System.getenv(), Path.of(""), System.console() != null, Clock.systemUTC());
		System.exit(commandLine(cli, args).execute(args));
	}

	/**
	 * The command line for a root command, with the error reporting of the CLI.
	 * @param cli the root command
	 * @return the command line to {@code execute} arguments with
	 */
	public static CommandLine commandLine(PyappCli cli) {
		return commandLine(cli, new String[0]);
	}

	/**
	 * The command line to run some arguments with. Only the command they name is built
	 * (picocli reflects over every command it is given, a good part of the start-up
	 * time); without one, or with an unknown one, all are, for the help and the error.
	 * @param cli the root command
	 * @param args the arguments that will be executed
	 * @return the command line to {@code execute} the arguments with
	 */
	public static CommandLine commandLine(PyappCli cli, String[] args) {
		CommandLine commandLine = new CommandLine(cli);
		String requested = requestedCommand(args);
		List<Class<?>> commands = COMMANDS.stream().filter((command) -> name(command).equals(requested)).toList();
		(commands.isEmpty() ? COMMANDS : commands).forEach(commandLine::addSubcommand);
		commandLine.setExecutionExceptionHandler(new ErrorReporter());
		return commandLine;
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

	private static String name(Class<?> command) {
		return command.getAnnotation(Command.class).name();
	}

	@Override
	public Integer call() {
		throw new ParameterException(this.spec.commandLine(), "Missing required subcommand");
	}

	boolean json() {
		return this.json;
	}

	/** Created on first use: {@code --help} needs no JSON. */
	synchronized JsonMapper mapper() {
		if (this.mapper == null) {
			this.mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
		}
		return this.mapper;
	}

	String pretty(JsonNode node) {
		return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
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
					mapper());
		}
		return this.client;
	}

	private URI endpoint() {
		String value = (this.url != null) ? this.url : this.env.getOrDefault("PYAPP_URL", DEFAULT_URL);
		try {
			URI uri = new URI(value.trim());
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new ParameterException(this.spec.commandLine(),
						"--url must be an http(s) URL such as " + DEFAULT_URL + ", not '" + value + "'");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new ParameterException(this.spec.commandLine(), "--url is not a URL: " + ex.getMessage());
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

}
