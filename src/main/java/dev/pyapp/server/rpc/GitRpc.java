package dev.pyapp.server.rpc;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.deploy.GitDeployer;
import dev.pyapp.server.deploy.GitUpdate;
import dev.pyapp.server.rpc.internal.AppParams;

/**
 * {@code apps.update}: fetches a git app's repository and upgrades it when its strategy
 * selects a new revision ({@code apps.install {git}} is in {@link AppsRpc}).
 */
@RpcEndpoint
class GitRpc {

	private final GitDeployer git;

	private final AppsRpc apps;

	GitRpc(GitDeployer git, AppsRpc apps) {
		this.git = git;
		this.apps = apps;
	}

	/**
	 * The app as {@code apps.get} shows it, plus {@code updated} (whether a new release
	 * went live), {@code message} ({@code already current} or what was deployed),
	 * {@code commit} and {@code ref} of the selected revision.
	 */
	@RpcMethod(value = "apps.update", role = Role.DEPLOYER)
	AppDetails.Updated update(AppParams params) {
		AppId app = AppId.of(params.name());
		GitUpdate update = this.apps.deploy(() -> this.git.update(app));
		return new AppDetails.Updated(this.apps.details(app), update.updated(), update.message(),
				update.revision().commit(), update.revision().ref());
	}

}
