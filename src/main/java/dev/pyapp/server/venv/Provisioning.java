package dev.pyapp.server.venv;

import org.jspecify.annotations.Nullable;

/**
 * Whether {@code server-packages/} holds what every app daemon needs: gunicorn and the
 * {@code pyapp_runtime} shim.
 *
 * @param state {@code pending} (not needed yet), {@code provisioning}, {@code ready} or
 * {@code failed}
 * @param gunicorn the installed gunicorn version, or {@code null}
 * @param message what went wrong, or {@code null}
 * @param log what pip printed when it failed, or {@code null}
 */
public record Provisioning(String state, @Nullable String gunicorn, @Nullable String message, @Nullable String log) {

	public boolean ready() {
		return "ready".equals(this.state);
	}

}
