package dev.pyapp.server.core;

/**
 * The {@code kind: mongodb} databases of apps (SPEC §10 "The server's own data"): each
 * app reaches its own databases only, never the server's nor another app's. Implemented
 * by the {@code storage} module for the embedded MongoDB and for a real one.
 */
public interface AppDatabases {

	/**
	 * The URL of one of an app's MongoDB databases, with the app's credentials
	 * ({@code PYAPP_DATABASE_<NAME>_URL}); creates what the app needs to reach it. The
	 * URL holds a secret: never log it.
	 * @param app the app
	 * @param database the database's name in {@code metadata.yaml}
	 * @return {@code mongodb://<user>:<password>@<host>:<port>/pyapp_<app>_<database>}
	 * @throws PyappException ({@code FAILED}) if the database cannot be prepared
	 */
	String mongoUrl(AppId app, String database);

	/**
	 * Deletes what {@link #mongoUrl} created for an app: its credentials and, unless
	 * kept, its data.
	 * @param app the app
	 * @param keepData whether its databases stay
	 */
	void remove(AppId app, boolean keepData);

}
