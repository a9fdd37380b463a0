package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigMigration;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;

import org.springframework.stereotype.Component;

/**
 * Whether an app's required settings all have values, so that a release may run its hooks
 * and start (SPEC §9 {@code needs-configuration}).
 */
@Component
public class ConfigurationGate {

	private final AppConfigurator configurator;

	ConfigurationGate(AppConfigurator configurator) {
		this.configurator = configurator;
	}

	/**
	 * Migrates the stored configuration to a new release's spec (written when complete).
	 * @param app the app
	 * @param release the release's directory
	 * @return the migration; incomplete when required settings lack values
	 */
	ConfigMigration prepare(AppId app, Path release) {
		return this.configurator.upgrade(app, release);
	}

	/**
	 * @param release a release's directory
	 * @return whether its config spec has a field to fill
	 */
	boolean hasSpec(Path release) {
		try {
			return !this.configurator.spec(release).isEmpty();
		}
		catch (PyappException ex) {
			// checked at install; should it fail now, the step that reads it reports it
			return true;
		}
	}

	/**
	 * @param app the app
	 * @return whether its stored configuration is complete for its live release
	 */
	public boolean complete(AppId app) {
		return this.configurator.isComplete(app);
	}

	/**
	 * @param app the app
	 * @param release a kept release's directory
	 * @return the required settings of its spec that the stored configuration leaves
	 * without a value
	 */
	List<String> missing(AppId app, Path release) {
		return this.configurator.preview(app, release).missing();
	}

	void cancel(AppId app) {
		this.configurator.cancelUpgrade(app);
	}

}
