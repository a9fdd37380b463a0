package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pyapp users list|create|role|remove}: the users of the web UI and their roles
 * (admins only).
 */
@Command(name = "users", description = UsersCommand.DESCRIPTION, subcommands = { UsersCommand.ListUsers.class,
		UsersCommand.Create.class, UsersCommand.SetRole.class, UsersCommand.Remove.class })
class UsersCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List, create or remove users of the web UI, or change their role.";

	@Command(name = "list", description = "List the users and their roles.")
	static class ListUsers extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("users.list", null), (users) -> {
				Table table = new Table("USER", "ROLE", "CREATED", "PASSWORD CHANGED");
				users.forEach((user) -> table.row(Text.cell(user, "username"), Text.cell(user, "role"),
						Text.cell(user, "created"), Text.cell(user, "password_changed")));
				table.print(out(), "no users");
			});
		}

	}

	@Command(name = "create",
			description = "Create a user; without --password a random password is made and printed once.")
	static class Create extends ApiCommand {

		@Parameters(paramLabel = "USER", description = "the user's name")
		String username = "";

		@Option(names = "--role", paramLabel = "R", required = true, description = "admin, deployer or viewer")
		String role = "";

		@Option(names = "--password", paramLabel = "P",
				description = "the password (at least 12 characters; better: let the server make one)")
		@Nullable String password;

		@Override
		public Integer call() throws Exception {
			return show(
					call("users.create",
							params("username", this.username, "role", this.role, "password", this.password)),
					(user) -> Listing.print(out(), user));
		}

	}

	@Command(name = "role", description = "Change a user's role.")
	static class SetRole extends ApiCommand {

		@Parameters(index = "0", paramLabel = "USER", description = "the user")
		String username = "";

		@Parameters(index = "1", paramLabel = "ROLE", description = "admin, deployer or viewer")
		String role = "";

		@Override
		public Integer call() throws Exception {
			return show(call("users.update", params("username", this.username, "role", this.role)),
					(user) -> out().println(Text.cell(user, "username") + " is " + Text.cell(user, "role") + " now"));
		}

	}

	@Command(name = "remove", description = "Remove a user; their API tokens stop working.")
	static class Remove extends ApiCommand {

		@Parameters(paramLabel = "USER", description = "the user")
		String username = "";

		@Override
		public Integer call() throws Exception {
			return show(call("users.remove", params("username", this.username)),
					(result) -> out().println("removed user " + this.username));
		}

	}

}
