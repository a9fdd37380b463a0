package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * An app's lifecycle moved from one state to another ({@link AppLifecycle}).
 *
 * @param app the app
 * @param from the state before
 * @param to the state now
 * @param release the release the transition concerns, if any
 */
public record LifecycleChanged(AppId app, LifecycleState from, LifecycleState to, @Nullable String release) {
}
