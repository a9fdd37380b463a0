package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;

/**
 * The daemon an app ran on a port when the server last stopped was not taken over after
 * the server's restart: it was gone, or it was stopped to run again as the app's own
 * user. {@link AppSupervisor#endpoint} no longer names that port, which any local process
 * may bind now; a web server that follows answers 502 for the app until a start makes a
 * daemon live ({@link AppStarted}), and keeps doing so if that start fails. Not part of
 * SPEC §9/§10 (which names no events): internal to the server's modules.
 *
 * @param app the app
 * @param port the port its daemon had
 */
public record AppNotAdopted(AppId app, int port) {
}
