package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pyapp tokens list|create|revoke}: API tokens with their roles (admins only).
 */
@Command(name = "tokens", description = TokensCommand.DESCRIPTION,
		subcommands = { TokensCommand.ListTokens.class, TokensCommand.Create.class, TokensCommand.Revoke.class })
class TokensCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, create or revoke API tokens.";

	@Command(name = "list", description = "List the API tokens (never their values).")
	static class ListTokens extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("tokens.list", null), (tokens) -> {
				Table table = new Table("ID", "NAME", "USER", "ROLE", "CREATED", "LAST USED");
				tokens.forEach(
						(token) -> table.row(Text.cell(token, "id"), Text.cell(token, "name"), Text.cell(token, "user"),
								Text.cell(token, "role"), Text.cell(token, "created"), Text.cell(token, "last_used")));
				table.print(out(), "no API tokens");
			});
		}

	}

	@Command(name = "create", description = "Create a token; its value is printed once.")
	static class Create extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "what the token is for, such as ci-deploy")
		String name = "";

		@Option(names = "--role", paramLabel = "R",
				description = "admin, deployer or viewer (default: your own role; never more)")
		@Nullable String role;

		@Override
		public Integer call() throws Exception {
			return show(call("tokens.create", params("name", this.name, "role", this.role)),
					(token) -> Listing.print(out(), token));
		}

	}

	@Command(name = "revoke", description = "Revoke a token: it authenticates nothing from now on.")
	static class Revoke extends ApiCommand {

		@Parameters(paramLabel = "ID", description = "the token's id")
		String id = "";

		@Override
		public Integer call() throws Exception {
			return show(call("tokens.revoke", params("id", this.id)),
					(result) -> out().println("revoked token " + this.id));
		}

	}

}
