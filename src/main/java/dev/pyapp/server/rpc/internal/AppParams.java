package dev.pyapp.server.rpc.internal;

/**
 * {@code {name}}: the params of every method that names one app.
 *
 * @param name the app's name
 */
public record AppParams(String name) {
}
