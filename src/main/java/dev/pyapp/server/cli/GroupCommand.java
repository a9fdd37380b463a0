package dev.pyapp.server.cli;

/**
 * A command that only groups subcommands ({@code apps}, {@code servers}, ...): run alone,
 * it is a usage error.
 */
abstract class GroupCommand extends ApiCommand {

	@Override
	public Integer call() {
		throw usage("Missing required subcommand");
	}

}
