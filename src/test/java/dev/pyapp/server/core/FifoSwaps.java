package dev.pyapp.server.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An app's process swapping one of its files for a FIFO and back as fast as it can, while
 * the server reads that file: a check of the file's type before opening it can see the
 * file and the open then meet the FIFO, and opening a FIFO to read waits for a writer
 * (none comes), holding the server's thread for good.
 */
public final class FifoSwaps {

	private static final String SWAPPER = """
			import os, sys
			path, content = sys.argv[1], sys.argv[2]
			d = os.path.dirname(path)
			while True:
			    with open(os.path.join(d, "f.tmp"), "w") as f:
			        f.write(content)
			    os.rename(os.path.join(d, "f.tmp"), path)
			    os.mkfifo(os.path.join(d, "p.tmp"))
			    os.rename(os.path.join(d, "p.tmp"), path)
			""";

	private FifoSwaps() {
	}

	/**
	 * Reads a file over and over for 4 s, and until it met both the file and a FIFO,
	 * while a process swaps it; fails if the reads do not end within 15 s (one blocked).
	 * @param file the file, written with {@code content} first
	 * @param content what the file holds between swaps
	 * @param read one read: true if it read the file, false if it refused what it met
	 * @throws Exception if the swapper cannot be started
	 */
	public static void race(Path file, String content, Callable<Boolean> read) throws Exception {
		Files.writeString(file, content);
		Process swapper = new ProcessBuilder("python3", "-c", SWAPPER, file.toString(), content)
			.redirectErrorStream(true)
			.start();
		try {
			int[] seen = new int[2];
			assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
				long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
				while (System.nanoTime() < end || seen[0] == 0 || seen[1] == 0) {
					seen[read.call() ? 0 : 1]++;
				}
			});
			assertThat(swapper.isAlive()).as("the swapping process").isTrue();
		}
		finally {
			swapper.destroyForcibly().waitFor();
		}
	}

}
