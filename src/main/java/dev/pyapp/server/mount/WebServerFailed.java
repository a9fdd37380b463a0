package dev.pyapp.server.mount;

/**
 * The managed web server failed too often within the restart policy's window (it ended
 * unexpectedly, or did not start again): it is not restarted any more until the next
 * apply or start.
 *
 * @param kind the web server, such as {@code nginx}
 * @param message what happened, as {@code server.info} shows it
 */
public record WebServerFailed(String kind, String message) {
}
