package dev.pyapp.server.scm;

/**
 * A bare mirror kept under {@code PYAPP_HOME/git/}: {@code <app>.git} for an installed
 * app, or an incoming one while a first install has not yet named its app.
 *
 * @param name the mirror's directory name without {@code .git}
 */
public record GitMirror(String name) {

}
