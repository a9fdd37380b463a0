package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.ServerFileModes;

/**
 * {@code dropbox/.done/} and {@code dropbox/.failed/}: where a dropped file goes when it
 * is done, with its {@code <file>.result.txt}. An earlier file of the same name is kept;
 * the later one gets a timestamp in its name.
 */
final class DropResultFiles {

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final Path done;

	private final Path failed;

	DropResultFiles(Path done, Path failed) {
		this.done = done;
		this.failed = failed;
	}

	void createDirectories() {
		ServerFileModes.privateDirectory(this.done);
		ServerFileModes.privateDirectory(this.failed);
	}

	Path finish(Path working, String name, boolean succeeded) {
		Path target = unique((succeeded ? this.done : this.failed), name);
		try {
			Files.move(working, target, StandardCopyOption.ATOMIC_MOVE);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot move " + working + " to " + target, ex);
		}
	}

	void writeResult(Path movedTo, DropResult result) {
		AtomicFiles.write(movedTo.resolveSibling(movedTo.getFileName() + ".result.txt"), result.text(),
				AtomicFiles.OWNER_ONLY);
	}

	private static Path unique(Path dir, String name) {
		Path target = dir.resolve(name);
		if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			return target;
		}
		int dot = name.lastIndexOf('.');
		String stamp = STAMP.format(Instant.now());
		return dir.resolve(name.substring(0, dot) + "-" + stamp + name.substring(dot));
	}

}
