package dev.pyapp.server.core;

import java.nio.file.Path;

/**
 * The log socket of each app ({@link AppPaths#logSocket()}), on which the server decides
 * the {@code app} of every record from the connection it arrives on. Implemented by the
 * {@code logs} module; the runtime asks for it when it builds a process's environment.
 */
public interface AppLogSockets {

	/**
	 * Listens on an app's log socket unless it does already.
	 * @param app the app
	 * @return the socket's path, for {@code PYAPP_LOG_SOCKET}
	 */
	Path listen(AppId app);

}
