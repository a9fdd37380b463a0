/**
 * Turning an upload, a drop-folder file or a git revision into an installed release, the
 * app registry (apps and their releases), each app's lifecycle and removal. Publishes
 * {@code ReleaseActivated} (a release went live, by install, upgrade or rollback),
 * {@code LifecycleChanged} and {@code AppRemoved}.
 * <p>
 * An app's lifecycle ({@code AppLifecycle}, one document per app, stored by
 * {@code AppLifecycles}) is changed only by its transitions; each refuses any source
 * state not listed ({@code CONFLICT}: "app 'blog' is upgrading; it cannot go to
 * installing from there"). {@code AppLifecycleTests} checks every row and every refusal.
 * <table>
 * <caption>Transitions of an app's lifecycle</caption>
 * <tr>
 * <th>transition</th>
 * <th>from</th>
 * <th>to</th>
 * </tr>
 * <tr>
 * <td>{@code installing(release)}</td>
 * <td>absent, failed (installed again over it)</td>
 * <td>installing</td>
 * </tr>
 * <tr>
 * <td>{@code upgrading(release)}</td>
 * <td>deployed, awaiting-configuration, upgrade-awaiting-configuration</td>
 * <td>upgrading (a waiting release is superseded)</td>
 * </tr>
 * <tr>
 * <td>{@code rollingBack(release)}</td>
 * <td>deployed, awaiting-configuration, upgrade-awaiting-configuration</td>
 * <td>upgrading (a waiting release keeps waiting)</td>
 * </tr>
 * <tr>
 * <td>{@code awaitingConfiguration()}</td>
 * <td>installing</td>
 * <td>awaiting-configuration (post-install pending)</td>
 * </tr>
 * <tr>
 * <td>{@code upgradeAwaitingConfiguration()}</td>
 * <td>upgrading</td>
 * <td>upgrade-awaiting-configuration</td>
 * </tr>
 * <tr>
 * <td>{@code continuingInstall(release)}</td>
 * <td>awaiting-configuration</td>
 * <td>installing</td>
 * </tr>
 * <tr>
 * <td>{@code continuingUpgrade()}</td>
 * <td>upgrade-awaiting-configuration</td>
 * <td>upgrading</td>
 * </tr>
 * <tr>
 * <td>{@code postInstalled()}</td>
 * <td>installing, upgrading (a release going live before post-install ever ran)</td>
 * <td>the same (post-install done)</td>
 * </tr>
 * <tr>
 * <td>{@code deployed()}, {@code failed()}, {@code interrupted()}</td>
 * <td>installing, upgrading</td>
 * <td>upgrade-awaiting-configuration if a release waits for settings, else
 * awaiting-configuration if post-install is pending, else deployed</td>
 * </tr>
 * <tr>
 * <td>{@code interruptedFirstInstall()}</td>
 * <td>installing (no release ever live)</td>
 * <td>failed (the record stays until removed or installed again)</td>
 * </tr>
 * <tr>
 * <td>{@code removed()}</td>
 * <td>deployed, awaiting-configuration, upgrade-awaiting-configuration, failed</td>
 * <td>absent</td>
 * </tr>
 * </table>
 * SPEC §9's state ({@code AppLifecycles.state}): {@code installing} or {@code upgrading}
 * while a deploy runs (from its first moment) or its lifecycle says so; else
 * {@code failed} when its first install was interrupted; else {@code needs-configuration}
 * while post-install is pending or required settings lack values; else the process's
 * state ({@code starting}, {@code running}, {@code stopped}, {@code failed}).
 */
@NullMarked
@ApplicationModule(displayName = "Install", allowedDependencies = { "core", "packaging" })
package dev.pyapp.server.install;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
