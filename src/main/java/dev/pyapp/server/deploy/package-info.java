/**
 * The install, upgrade, rollback and removal pipelines that every route (upload, drop
 * folder, CLI, git) ends in: package to release ({@code install}), environment and hooks,
 * start beside the live release and health check ({@code runtime}), atomic switch, and
 * the routes that feed them: the watched drop folder and git updates.
 * <p>
 * {@code DeployProcess} is the process manager: it advances the app's lifecycle
 * ({@code install.AppLifecycle}, transition table there) through the steps of
 * {@code ReleaseSteps}: {@code venv}, {@code config}, {@code pre-update} or
 * {@code post-install}, {@code static}, {@code start}, {@code health}, {@code switch},
 * {@code post-update}, {@code stop-old}. A failed step settles the lifecycle where it was
 * ({@code failed()}); a deploy cut short by a stop of the server is settled at the next
 * start by {@code InterruptedDeploys}: its prepared release is marked failed
 * ("interrupted: …") and its files deleted; an app whose first install never went live
 * stays, {@code failed} ({@code interruptedFirstInstall()}), until it is removed or
 * installed again (a first install that fails while its caller waits is removed, its
 * error returned; an interrupted one has no caller to tell); any other app settles as
 * after a failure ({@code interrupted()}), never left installing or upgrading. A first
 * release interrupted in its post-install hook waits for its settings again (a new
 * {@code config.set} runs the hook and starts it).
 * <p>
 * The API is this package: {@code AppDeployer} (install, upgrade, rollback, removal),
 * {@code GitDeployer} (git sources and their updates), their requests and results and the
 * {@code DeployProgressed} event. Beside them stay {@code GitUpdateTrigger}, which calls
 * package-private members of {@code GitDeployer}, and the stored git state
 * ({@code GitAppState}, collection {@code git_apps}, kept in place so its stored
 * {@code _class} does not change). The process manager, its steps, the drop folder and
 * the rest are in {@code deploy.internal}.
 */
@NullMarked
@ApplicationModule(displayName = "Deploy", allowedDependencies = { "core", "audit", "install", "packaging", "appconfig",
		"venv", "hooks", "runtime", "scm", "isolation" })
package dev.pyapp.server.deploy;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
