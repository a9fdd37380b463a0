package dev.pyapp.server.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.pyapp.server.cli.internal.LogFormatter;
import dev.pyapp.server.cli.internal.Since;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp logs [NAME] [--level L] [--grep TEXT] [--regex R] [--since T] [-f]}:
 * {@code logs.query}, printed oldest first; with {@code -f}, then {@code logs.tail}
 * long-polls, with the same filters applied to the new records, until interrupted.
 */
@Command(name = "logs", description = LogsCommand.DESCRIPTION)
class LogsCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show an app's (or every app's) log records; -f follows new ones.";

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "the app (default: every app)")
	@Nullable String name;

	@Option(names = "--level", paramLabel = "L",
			description = "the minimum level: DEBUG, INFO, WARNING, ERROR, CRITICAL")
	@Nullable String level;

	@Option(names = "--grep", paramLabel = "TEXT", description = "only records containing TEXT (any case)")
	@Nullable String grep;

	@Option(names = "--regex", paramLabel = "R", description = "only records matching the regular expression R")
	@Nullable String regex;

	@Option(names = "--since", paramLabel = "T", description = "only records since T: 10m, 2h, 1d or an ISO time")
	@Nullable String since;

	@Option(names = { "-n", "--limit" }, paramLabel = "N", defaultValue = "100",
			description = "how many records to show at most (default: ${DEFAULT-VALUE})")
	int limit;

	@Option(names = { "-f", "--follow" }, description = "keep printing new records as they arrive")
	boolean follow;

	@Override
	public Integer call() throws Exception {
		Filter filter = filter();
		JsonNode result = call("logs.query", params("app", this.name, "level", filter.level, "text", this.grep, "regex",
				this.regex, "since", (filter.since != null) ? filter.since.toString() : null, "limit", this.limit));
		JsonNode records = list(result, "records");
		if (this.name != null && records.isEmpty()) {
			// nothing to show: a mistyped name must not look like a quiet app (an app
			// that is gone keeps its records, so only a name with neither is refused)
			call("apps.get", params("name", this.name));
		}
		LogFormatter formatter = new LogFormatter(cli().colour());
		if (json() && !this.follow) {
			printJson(result);
			return 0;
		}
		for (int i = records.size() - 1; i >= 0; i--) {
			print(records.get(i), formatter);
		}
		out().flush();
		if (!this.follow) {
			return 0;
		}
		String after = (records.size() > 0) ? text(records.get(0).get("id")) : null;
		try {
			while (true) {
				JsonNode tail = call("logs.tail", params("app", this.name, "after", after));
				JsonNode newer = list(tail, "records");
				for (JsonNode record : newer) {
					if (filter.matches(record)) {
						print(record, formatter);
					}
				}
				out().flush();
				String cursor = text(tail.get("cursor"));
				if (cursor == null && newer.size() > 0) {
					cursor = text(newer.get(newer.size() - 1).get("id"));
				}
				after = (cursor != null) ? cursor : after;
			}
		}
		catch (InterruptedException ex) {
			// Ctrl-C or the end of a test: following ends normally
			return 0;
		}
	}

	private void print(JsonNode record, LogFormatter formatter) {
		out().println(json() ? cli().codec().write(record) : formatter.format(record));
	}

	private Filter filter() {
		String minimum = null;
		if (this.level != null) {
			minimum = this.level.trim().toUpperCase(Locale.ROOT);
			minimum = "WARN".equals(minimum) ? "WARNING" : ("FATAL".equals(minimum) ? "CRITICAL" : minimum);
			if (LogFormatter.rank(minimum) < 0) {
				throw usage("--level must be one of " + String.join(", ", LogFormatter.LEVELS) + ", not '" + this.level
						+ "'");
			}
		}
		Pattern pattern = null;
		if (this.regex != null) {
			try {
				pattern = Pattern.compile(this.regex);
			}
			catch (PatternSyntaxException ex) {
				throw usage("--regex is not a valid regular expression: " + ex.getDescription());
			}
		}
		Instant from = null;
		if (this.since != null) {
			try {
				from = Since.parse(this.since, cli().clock(), ZoneId.systemDefault());
			}
			catch (IllegalArgumentException ex) {
				throw usage(String.valueOf(ex.getMessage()));
			}
		}
		return new Filter(minimum, this.grep, pattern, from);
	}

	private static @Nullable String text(@Nullable JsonNode value) {
		return (value != null && (value.isString() || value.isNumber())) ? value.asString() : null;
	}

	/**
	 * The query's filters, applied again to the records {@code logs.tail} returns.
	 */
	private record Filter(@Nullable String level, @Nullable String text, @Nullable Pattern regex,
			@Nullable Instant since) {

		boolean matches(JsonNode record) {
			String message = Text.cell(record, "message") + "\n" + Text.cell(record, "exception");
			if (this.level != null && LogFormatter.rank(Text.cell(record, "level")) < LogFormatter.rank(this.level)) {
				return false;
			}
			if (this.text != null && !message.toLowerCase(Locale.ROOT).contains(this.text.toLowerCase(Locale.ROOT))) {
				return false;
			}
			if (this.regex != null && !this.regex.matcher(message).find()) {
				return false;
			}
			return this.since == null || !before(Text.cell(record, "time"), this.since);
		}

		private static boolean before(String time, Instant since) {
			try {
				return Instant.parse(time).isBefore(since);
			}
			catch (DateTimeParseException ex) {
				return false;
			}
		}

	}

}
