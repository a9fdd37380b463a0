package dev.pyapp.server.rpc;

/**
 * {@code {name}}: the params of every method that names one app.
 *
 * @param name the app's name
 */
record AppParams(String name) {
}
