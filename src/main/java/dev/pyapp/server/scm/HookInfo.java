package dev.pyapp.server.scm;

import java.time.Instant;

/**
 * A post-commit hook as listed: never with its secret.
 *
 * @param id the hook's id
 * @param app the app it updates
 * @param provider {@code github}, {@code gitlab}, {@code gitea} or {@code generic}
 * @param url its absolute URL
 * @param created when it was created
 */
public record HookInfo(String id, String app, String provider, String url, Instant created) {
}
