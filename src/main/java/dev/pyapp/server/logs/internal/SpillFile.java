package dev.pyapp.server.logs.internal;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.logs.LogRecord;

/**
 * Records waiting for MongoDB once the memory buffer is full: JSON lines appended to a
 * file and read back in order. The file survives a restart of the server. Not thread
 * safe: the collector guards it.
 */
public final class SpillFile {

	private final Path file;

	private final long limit;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private @Nullable BufferedWriter writer;

	private @Nullable BufferedReader reader;

	private long bytes;

	private long pending;

	public SpillFile(Path file, long limit) {
		this.file = file;
		this.limit = limit;
		try {
			if (Files.isRegularFile(file) && Files.size(file) > 0) {
				this.bytes = Files.size(file);
				try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
					this.pending = lines.count();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the log spill file " + file, ex);
		}
	}

	/** Whether records are waiting in the file. */
	public boolean active() {
		return this.pending > 0;
	}

	public long pending() {
		return this.pending;
	}

	/**
	 * Appends a record.
	 * @param record the record
	 * @return {@code false} if the file is full and the record was not written
	 */
	public boolean append(LogRecord record) throws IOException {
		String line = this.mapper.writeValueAsString(record) + "\n";
		if (this.bytes + line.length() > this.limit) {
			return false;
		}
		if (this.writer == null) {
			this.writer = Files.newBufferedWriter(this.file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		this.writer.write(line);
		this.bytes += line.length();
		this.pending++;
		return true;
	}

	public void flush() throws IOException {
		if (this.writer != null) {
			this.writer.flush();
		}
	}

	/**
	 * Reads the oldest records not read yet. Once everything was read the file is
	 * removed.
	 * @param max the most records to read
	 * @return the records, oldest first
	 */
	public List<LogRecord> read(int max) throws IOException {
		return read(max, Long.MAX_VALUE);
	}

	/**
	 * Reads the oldest records not read yet, up to a count and about a size.
	 * @param max the most records to read
	 * @param maxChars stop once the lines read hold this many characters (at least one
	 * record is read)
	 * @return the records, oldest first
	 */
	public List<LogRecord> read(int max, long maxChars) throws IOException {
		long chars = 0;
		List<LogRecord> records = new ArrayList<>();
		if (this.pending == 0) {
			return records;
		}
		flush();
		if (this.reader == null) {
			this.reader = Files.newBufferedReader(this.file, StandardCharsets.UTF_8);
		}
		boolean end = false;
		while (records.size() < max && chars < maxChars) {
			String line = this.reader.readLine();
			if (line == null) {
				end = true;
				break;
			}
			if (!line.isBlank()) {
				records.add(this.mapper.readValue(line, LogRecord.class));
				chars += line.length();
			}
			this.pending--;
		}
		if (end || this.pending <= 0) {
			reset();
		}
		return records;
	}

	private void reset() throws IOException {
		if (this.writer != null) {
			this.writer.close();
			this.writer = null;
		}
		if (this.reader != null) {
			this.reader.close();
			this.reader = null;
		}
		Files.deleteIfExists(this.file);
		this.bytes = 0;
		this.pending = 0;
	}

}
