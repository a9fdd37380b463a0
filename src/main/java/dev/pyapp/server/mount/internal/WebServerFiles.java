package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed web server's directories and the files its workers open after they have
 * dropped root: who may pass and read what (the web server's group, nobody else).
 */
final class WebServerFiles {

	private static final Logger logger = LoggerFactory.getLogger(WebServerFiles.class);

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
	 * Copies the virtual servers' certificates and keys for lighttpd started as root,
	 * which reads them again, after it has dropped root, at every graceful reload (see
	 * {@link LighttpdRenderer}): into {@code tls/} (0710), each copy the web server's
	 * group's to read (0640; lighttpd is one process, which holds the key anyway), or
	 * only root's where the web server keeps root. The operator's files stay as they are.
	 * Before the configuration test, which reads them too; every apply copies them again
	 * (a renewed certificate).
	 * @param model what is about to be served
	 * @throws PyappException ({@code FAILED}) naming a file that cannot be copied
	 */
	void copyTls(RenderModel model) {
		if (this.kind != WebServerKind.LIGHTTPD || !this.settings.root() || !model.hasTls()) {
			return;
		}
		Path dir = this.settings.tlsCopies();
		int gid = (this.workerAccount != null) ? this.workerAccount.gid() : -1;
		for (String source : tlsFiles(model)) {
			Path copy = this.settings.tlsCopy(source);
			try {
				Files.createDirectories(dir);
				FileModes.set(dir, FileModes.owner(dir), (gid >= 0) ? gid : FileModes.owner(dir), 0710);
				Path temp = Files.createTempFile(dir, ".copy", ".tmp");
				try {
					// the copy is made 0600 (the server's umask), then opened to
					// the group
					Files.copy(Path.of(source), temp, StandardCopyOption.REPLACE_EXISTING);
					FileModes.set(temp, FileModes.owner(dir), (gid >= 0) ? gid : FileModes.owner(dir),
							(gid >= 0) ? 0640 : 0600);
					Files.move(temp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				finally {
					Files.deleteIfExists(temp);
				}
			}
			catch (IOException ex) {
				throw PyappException.failed("cannot copy " + source + " for lighttpd", ex.toString());
			}
		}
	}

	/**
	 * Deletes the copies of {@link #copyTls} that the applied configuration no longer
	 * reads (a removed virtual server's key).
	 * @param model what is served now
	 */
	void removeStaleTls(RenderModel model) {
		Path dir = this.settings.tlsCopies();
		if (!Files.isDirectory(dir)) {
			return;
		}
		List<Path> kept = (this.kind == WebServerKind.LIGHTTPD && this.settings.root())
				? tlsFiles(model).stream().map(this.settings::tlsCopy).toList() : List.of();
		try (var files = Files.list(dir)) {
			for (Path file : files.toList()) {
				if (!kept.contains(file)) {
					Files.deleteIfExists(file);
				}
			}
		}
		catch (IOException ex) {
			// the apply succeeded; the next one tries again
			logger.warn("Cannot delete the copies of TLS files no longer served in {}: {}", dir, ex.toString());
		}
	}

	private static Set<String> tlsFiles(RenderModel model) {
		Set<String> files = new LinkedHashSet<>();
		for (RenderModel.Site site : model.sites()) {
			if (site.server().tls() != null) {
				files.add(site.server().tls().cert());
				files.add(site.server().tls().key());
			}
		}
		return files;
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
				// and into the empty document root, so that a path no mount serves is 404
				// (ENOENT), not 403
				for (Path dir : List.of(directory, directory.resolve("tmp"), this.settings.tmp(this.kind),
						directory.resolve("logs"), this.settings.empty())) {
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
