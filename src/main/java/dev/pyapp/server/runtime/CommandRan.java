package dev.pyapp.server.runtime;

import java.util.List;

import dev.pyapp.server.core.AppId;

/**
 * A command ran in an app's context ({@code apps.run}).
 *
 * @param app the app
 * @param release the release it ran in
 * @param command its argument vector
 * @param exitCode its exit code (-1 when it timed out)
 */
public record CommandRan(AppId app, String release, List<String> command, int exitCode) {
}
