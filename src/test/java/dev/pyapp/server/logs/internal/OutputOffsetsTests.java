package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offsets store: what it saves and when, and that an unreadable
 * {@code run/log-offsets.json} does not stop the tailer (it was reachable only through
 * the tailer's start before).
 */
class OutputOffsetsTests {

	@TempDir
	Path dir;

	@Test
	void savedOffsetsAreReadBackByTheNextServer() {
		Path file = this.dir.resolve("log-offsets.json");
		OutputOffsets offsets = new OutputOffsets(file);
		offsets.put("gb/1.0.0.stdout.log", new OutputOffsets.Position("(dev=1,ino=2)", 42));
		offsets.changed();
		offsets.saveIfChanged();

		OutputOffsets next = new OutputOffsets(file);
		next.load();

		assertThat(next.get("gb/1.0.0.stdout.log")).isEqualTo(new OutputOffsets.Position("(dev=1,ino=2)", 42));
	}

	@Test
	void nothingIsWrittenUntilAnOffsetChanged() {
		Path file = this.dir.resolve("log-offsets.json");
		OutputOffsets offsets = new OutputOffsets(file);
		offsets.put("gb/stdout", new OutputOffsets.Position("k", 1));
		offsets.saveIfChanged();
		assertThat(file).doesNotExist();

		offsets.remove("gb/stderr");
		offsets.saveIfChanged();
		assertThat(file).exists();
	}

	@Test
	void anUnreadableFileIsIgnoredAndReplacedOnTheNextSave() throws IOException {
		Path file = this.dir.resolve("log-offsets.json");
		Files.writeString(file, "{ not json");
		OutputOffsets offsets = new OutputOffsets(file);

		offsets.load();
		assertThat(offsets.get("gb/stdout")).isNull();
		offsets.put("gb/stdout", new OutputOffsets.Position("k", 7));
		offsets.changed();
		offsets.saveIfChanged();

		OutputOffsets next = new OutputOffsets(file);
		next.load();
		assertThat(next.get("gb/stdout")).isEqualTo(new OutputOffsets.Position("k", 7));
	}

}
