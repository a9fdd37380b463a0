package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;

/**
 * The managed web server's directories and the files its workers open after they have
 * dropped root: who may pass and read what (the web server's group, nobody else).
 */
final class WebServerFiles {

	private final WebServerKind kind;

	private final RenderSettings settings;

	/**
	 * The web server's user when its workers switch to it (started as root), else null.
	 */
	private final Isolation.@Nullable Account workerAccount;

	WebServerFiles(WebServerKind kind, RenderSettings settings, Isolation.@Nullable Account workerAccount) {
		this.kind = kind;
		this.settings = settings;
		this.workerAccount = workerAccount;
	}

	/**
	 * lighttpd reads its configuration again on a graceful reload, after it has dropped
	 * root: the file is its group's to read (it names paths, no secrets).
	 */
	void readableByWorkers() {
		Path config = this.settings.config(this.kind);
		if (this.kind == WebServerKind.LIGHTTPD && this.workerAccount != null && Files.exists(config)) {
			FileModes.set(config, FileModes.owner(config), this.workerAccount.gid(), 0640);
		}
	}

	/**
	 * Creates the directories the web server writes to, with their modes.
	 * @throws PyappException ({@code FAILED}) if one cannot be created
	 */
	void createDirectories() {
		try {
			for (Path dir : List.of(this.settings.runDirectory(), this.settings.tmp(this.kind), this.settings.empty(),
					this.settings.directory().resolve("logs"), this.settings.directory().resolve("staging"))) {
				Files.createDirectories(dir);
			}
			if (this.workerAccount != null) {
				// the workers (the web server's user) pass on to their temporary files
				// and, for lighttpd, to its configuration and logs; nobody else does
				Path directory = this.settings.directory();
				for (Path dir : List.of(directory, directory.resolve("tmp"), this.settings.tmp(this.kind),
						directory.resolve("logs"))) {
					FileModes.set(dir, FileModes.owner(dir), this.workerAccount.gid(), 0710);
				}
			}
			if (this.kind == WebServerKind.LIGHTTPD && this.workerAccount != null) {
				// lighttpd opens its logs after it has dropped root: they are its user's
				for (Path log : List.of(this.settings.errorLog(this.kind), this.settings.accessLogFile(this.kind))) {
					if (!Files.exists(log)) {
						Files.createFile(log);
					}
					FileModes.set(log, this.workerAccount.uid(), this.workerAccount.gid(), 0640);
				}
			}
		}
		catch (IOException ex) {
			throw PyappException.failed("cannot create the web server's directories", ex.getMessage());
		}
	}

}
