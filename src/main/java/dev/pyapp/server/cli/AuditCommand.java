package dev.pyapp.server.cli;

import java.time.Instant;
import java.time.ZoneId;

import dev.pyapp.server.cli.internal.Since;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp audit [--since T] [--principal P] [--method M] [-n N]}: the audit log
 * ({@code audit.query}), oldest of the page first, like {@code pyapp logs}.
 */
@Command(name = "audit", description = AuditCommand.DESCRIPTION)
class AuditCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show who changed what: the audit log of state-changing calls.";

	@Option(names = "--since", paramLabel = "T", description = "only calls since T: 10m, 2h, 1d or an ISO time")
	@Nullable String since;

	@Option(names = "--principal", paramLabel = "P",
			description = "only calls by P: a user, token:<name>, api-token, dropbox or webhook:<provider>")
	@Nullable String principal;

	@Option(names = "--method", paramLabel = "M", description = "only calls of M, or of a prefix such as apps.*")
	@Nullable String method;

	@Option(names = { "-n", "--limit" }, paramLabel = "N", defaultValue = "100",
			description = "how many records to show at most (default: ${DEFAULT-VALUE})")
	int limit;

	@Override
	public Integer call() throws Exception {
		Instant from = null;
		if (this.since != null) {
			try {
				from = Since.parse(this.since, cli().clock(), ZoneId.systemDefault());
			}
			catch (IllegalArgumentException ex) {
				throw usage(String.valueOf(ex.getMessage()));
			}
		}
		JsonNode result = call("audit.query", params("since", (from != null) ? from.toString() : null, "principal",
				this.principal, "method", this.method, "limit", this.limit));
		return show(result, (page) -> {
			JsonNode records = list(page, "records");
			Table table = new Table("TIME", "PRINCIPAL", "METHOD", "OUTCOME", "MS", "PARAMS");
			for (int i = records.size() - 1; i >= 0; i--) {
				JsonNode record = records.get(i);
				String outcome = Text.cell(record, "outcome");
				JsonNode error = record.get("error");
				if (error != null && error.isObject()) {
					outcome = outcome + " " + Text.cell(error, "code") + ": " + Text.cell(error, "message");
				}
				JsonNode params = record.get("params");
				table.row(Text.cell(record, "time"), Text.cell(record, "principal"), Text.cell(record, "method"),
						outcome, Text.cell(record, "duration_ms"),
						(params != null && !params.isNull()) ? params.toString() : "");
			}
			table.print(out(), "no audit records match");
		});
	}

}
