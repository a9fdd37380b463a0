package dev.pyapp.server.logs.internal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.nodes.LocalNodeShell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Taking the start off a file a daemon appends to: whole blocks, never the file's end,
 * and a file system that cannot is said so (the tailer then empties the file).
 */
class OutputTrimmerTests {

	@TempDir
	Path dir;

	private final OutputTrimmer trimmer = new OutputTrimmer(LocalNodeShell.unisolated());

	@Test
	void takesWholeBlocksOffTheStartAndKeepsWhatFollows() throws IOException {
		Path file = this.dir.resolve("stdout.log");
		long block = Files.getFileStore(this.dir).getBlockSize();
		try (OutputStream daemon = new FileOutputStream(file.toFile(), true)) {
			daemon.write(text('a', 3 * block + 10));
			daemon.flush();

			long removed = this.trimmer.removeStart(file, 3 * block + 10, 3 * block + 10);
			assumeTrue(removed >= 0, "the file system of the temporary directory cannot take a file's start");
			assertThat(removed).isEqualTo(3 * block);

			// the daemon's next write goes on at the new end
			daemon.write("next\n".getBytes(StandardCharsets.US_ASCII));
		}
		assertThat(Files.readString(file)).isEqualTo("a".repeat(10) + "next\n");
	}

	@Test
	void neverTakesTheLastByteNorMoreThanAsked() throws IOException {
		Path file = this.dir.resolve("stdout.log");
		long block = Files.getFileStore(this.dir).getBlockSize();
		Files.write(file, text('b', 2 * block));

		long removed = this.trimmer.removeStart(file, 2 * block, 2 * block);
		assumeTrue(removed >= 0, "the file system of the temporary directory cannot take a file's start");
		assertThat(removed).isEqualTo(block);
		assertThat(Files.size(file)).isEqualTo(block);
		assertThat(this.trimmer.removeStart(file, block - 1, block)).isZero();
		assertThat(Files.size(file)).isEqualTo(block);
	}

	@Test
	void aFileSystemThatCannotIsSaidSo() throws IOException {
		Path shm = Path.of("/dev/shm");
		assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
		Path file = Files.createTempFile(shm, "pyapp-trimmer", ".log");
		try {
			Files.write(file, text('c', 3 * 4096));

			assertThat(this.trimmer.removeStart(file, 2 * 4096, 3 * 4096)).isEqualTo(-1);
			assertThat(Files.size(file)).isEqualTo(3 * 4096);
		}
		finally {
			Files.delete(file);
		}
	}

	private static byte[] text(char c, long length) {
		return String.valueOf(c).repeat((int) length).getBytes(StandardCharsets.US_ASCII);
	}

}
