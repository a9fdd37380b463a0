package dev.pyapp.server.isolation;

import java.nio.file.Path;

import dev.pyapp.server.nodes.SystemAccounts;

/**
 * Deletes the system users a test's server made for its apps (those whose home is below
 * the test's {@code PYAPP_HOME}), so that no test leaves accounts behind.
 */
public final class TestAccounts {

	private TestAccounts() {
	}

	public static void deleteUnder(Path home) {
		SystemAccounts accounts = new SystemAccounts();
		for (SystemAccounts.Entry entry : accounts.list()) {
			if (entry.comment().startsWith(AppAccounts.COMMENT) && entry.home().startsWith(home)) {
				accounts.delete(entry.name());
			}
		}
	}

}
