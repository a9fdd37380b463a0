package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server deletes trees an app can write to (its {@code tmp/}, {@code data/},
 * {@code run/} on removal, a staging directory of shared packages) as root: what the app
 * changes in them while they are deleted must never lead the deletion outside.
 */
class AtomicFilesTests {

	@TempDir
	Path root;

	@Test
	void deleteTreeNeverFollowsADirectorySwappedForASymlinkWhileItIsDeleted() throws Exception {
		Path outside = Files.createDirectories(this.root.resolve("etc"));
		Path app = Files.createDirectories(this.root.resolve("app"));
		AtomicBoolean done = new AtomicBoolean();
		AtomicReference<Path> target = new AtomicReference<>(app.resolve("none"));
		// the app's process: swaps the directory x of the tree being deleted for a link
		// to etc/, for ever. A link not used waits for the next try: a new link on every
		// try left about 90,000 in app/ (19 s instead of 5 s, for fewer swaps)
		Thread swapper = new Thread(() -> {
			int n = 0;
			Path link = null;
			while (!done.get()) {
				Path x = target.get().resolve("x");
				try {
					if (link == null) {
						Path created = app.resolve("link-" + n);
						Files.createSymbolicLink(created, outside);
						link = created;
					}
					if (Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS)) {
						Files.move(x, app.resolve("aside-" + n), StandardCopyOption.ATOMIC_MOVE);
						Files.move(link, x, StandardCopyOption.ATOMIC_MOVE);
						link = null;
					}
				}
				catch (IOException | UncheckedIOException ex) {
					// the tree is being deleted under it
				}
				n++;
			}
		});
		swapper.start();
		try {
			for (int i = 0; i < 2000; i++) {
				Files.writeString(outside.resolve("passwd-" + i), "root:x:0:0");
				Path build = this.root.resolve("build-" + i);
				for (int f = 0; f < 4; f++) {
					Files.writeString(Files.createDirectories(build.resolve("x")).resolve("inner-" + f), "");
				}
				Path tree = app.resolve("tree-" + i);
				Files.move(build, tree, StandardCopyOption.ATOMIC_MOVE);
				target.set(tree);
				try {
					AtomicFiles.deleteTree(tree);
				}
				catch (UncheckedIOException ex) {
					// a refusal is fine; following the link is not
				}
				try (var left = Files.list(outside)) {
					assertThat(left.count()).as("files left in etc/ after round %d", i).isEqualTo(i + 1);
				}
			}
		}
		finally {
			done.set(true);
			swapper.join();
		}
	}

	@Test
	void openBelowNeverBlocksOnAFileTheAppKeepsSwappingForAFifo() throws Exception {
		Path staging = Files.createDirectories(this.root.resolve("staging/pkg"));
		FifoSwaps.race(staging.resolve("mod.py"), "x = 1\n", () -> {
			try (AtomicFiles.RegularFile file = AtomicFiles.openBelow(this.root.resolve("staging"), "pkg/mod.py")) {
				if (file == null) {
					return false;
				}
				assertThat(file.content().readAllBytes()).asString(StandardCharsets.UTF_8).isIn("x = 1\n", "");
				return true;
			}
		});
	}

	@Test
	void openBelowReadsAFileNoFurtherThanItWasWhenOpened() throws Exception {
		Path staging = Files.createDirectories(this.root.resolve("staging"));
		Files.writeString(staging.resolve("grows.txt"), "12345");
		try (AtomicFiles.RegularFile file = AtomicFiles.openBelow(staging, "grows.txt")) {
			// a process of the app appending while the server copies it: an endless copy
			Files.writeString(staging.resolve("grows.txt"), "67890", StandardOpenOption.APPEND);
			assertThat(file.content().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("12345");
		}
	}

}
