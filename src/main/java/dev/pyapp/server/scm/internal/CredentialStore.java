package dev.pyapp.server.scm.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.scm.GitCredentials;
import org.jspecify.annotations.Nullable;

/**
 * The HTTPS tokens of apps' repositories: {@code PYAPP_HOME/git/<app>.credentials}, mode
 * 0600, beside the mirror and never in its git configuration.
 */
public final class CredentialStore {

	private final PyappHome home;

	public CredentialStore(PyappHome home) {
		this.home = home;
	}

	public boolean exists(AppId app) {
		return Files.isRegularFile(file(app.value()));
	}

	public void delete(String name) {
		AtomicFiles.deleteTree(file(name));
	}

	public void save(AppId app, @Nullable GitCredentials credentials) {
		Path file = file(app.value());
		if (credentials == null) {
			AtomicFiles.deleteTree(file);
			return;
		}
		Properties values = new Properties();
		values.setProperty("username", credentials.username());
		values.setProperty("token", credentials.token());
		StringWriter text = new StringWriter();
		try {
			values.store(text, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		AtomicFiles.write(file, text.toString(), AtomicFiles.OWNER_ONLY);
	}

	public @Nullable GitCredentials find(AppId app) {
		Path file = file(app.value());
		if (!Files.isRegularFile(file)) {
			return null;
		}
		Properties values = new Properties();
		try (var in = Files.newBufferedReader(file)) {
			values.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the token of " + app, ex);
		}
		return new GitCredentials(values.getProperty("username", GitCredentials.DEFAULT_USERNAME),
				values.getProperty("token", ""));
	}

	private Path file(String name) {
		return this.home.resolve("git", name + ".credentials");
	}

}
