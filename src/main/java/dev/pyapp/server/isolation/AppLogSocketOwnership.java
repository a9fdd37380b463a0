package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppSocketOwnership;

import org.springframework.stereotype.Component;

/**
 * Gives an app's log socket ({@code apps/<name>/run/logs.sock}, mode 0660) to the app's
 * group while it is still in the server's own directory: the app's processes (its primary
 * group) connect to it; the web server's user and other apps' users cannot, so nobody
 * else can send records in its name. The owner stays the server's user, so the app cannot
 * change the socket's mode. When the app runs as the server's user the socket is already
 * its own.
 */
@Component
class AppLogSocketOwnership implements AppSocketOwnership {

	private final AppAccounts accounts;

	AppLogSocketOwnership(AppAccounts accounts) {
		this.accounts = accounts;
	}

	@Override
	public void apply(AppId app, Path socket) throws IOException {
		AppIdentity identity = this.accounts.ensure(app);
		if (identity.own()) {
			// lchown: never follows a link, never opens the socket
			Files.setAttribute(socket, "unix:gid", identity.account().gid(), LinkOption.NOFOLLOW_LINKS);
		}
	}

}
