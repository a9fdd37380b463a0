package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads what the apps' gunicorn processes write to {@code apps/<name>/logs/stdout.log}
 * (INFO records, logger {@code stdout}) and {@code stderr.log} (WARNING, logger
 * {@code stderr}; gunicorn's own lines at their level with logger {@code gunicorn}), a
 * traceback folded into one record ({@link OutputFolder}). The offset read so far is kept
 * per file in {@code PYAPP_HOME/run/log-offsets.json}, so nothing is read twice across
 * restarts; a file that shrank was truncated and is read from its start, and a file
 * replaced by a new one (rotation) has the rest of the old one read from {@code <name>.1}
 * first.
 */
@Component
class OutputFileTailer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutputFileTailer.class);

	private static final String[] STREAMS = { "stdout", "stderr" };

	/** The most read of one file in one pass. */
	private static final int CHUNK = 4 * 1024 * 1024;

	/** How long the lines of a traceback a process began writing wait for the rest. */
	private static final Duration FOLD_WAIT = Duration.ofSeconds(2);

	/** A line longer than this is stored in pieces rather than waited for. */
	private static final int MAX_LINE = 64 * 1024;

	private final PyappHome home;

	private final LogCollector collector;

	private final Duration interval;

	private final Path offsetsFile;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Map<String, Position> positions = new HashMap<>();

	private final Map<String, Waiting> waiting = new HashMap<>();

	private @Nullable ScheduledExecutorService executor;

	@Autowired
	OutputFileTailer(PyappHome home, LogCollector collector, LogsProperties properties) {
		this(home, collector, properties.tailInterval());
	}

	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval) {
		this.home = home;
		this.collector = collector;
		this.interval = interval;
		this.offsetsFile = home.run().resolve("log-offsets.json");
	}

	@Override
	public void start() {
		loadPositions();
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-log-files");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::pollSafely, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler != null) {
			scheduler.shutdown();
			try {
				scheduler.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		return 10;
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException | IOException ex) {
			// one bad pass must not end the schedule
			logger.warn("Reading app output files failed: {}", ex.toString());
		}
	}

	/** One pass over every app's output files. */
	synchronized void poll() throws IOException {
		boolean changed = false;
		// not home.apps(), which creates it: a pass over nothing must leave nothing
		// behind
		Path root = this.home.resolve("apps");
		if (!Files.isDirectory(root)) {
			return;
		}
		try (DirectoryStream<Path> apps = Files.newDirectoryStream(root, Files::isDirectory)) {
			for (Path app : apps) {
				for (String stream : STREAMS) {
					AppPaths paths = new AppPaths(app);
					Path file = stream.equals("stderr") ? paths.stderrLog() : paths.stdoutLog();
					if (Files.isRegularFile(file)) {
						changed |= read(app, stream, file);
					}
				}
			}
		}
		if (changed) {
			savePositions();
		}
	}

	private boolean read(Path app, String stream, Path file) throws IOException {
		String key = app.getFileName() + "/" + stream;
		BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
		String fileKey = String.valueOf(attributes.fileKey());
		Position position = this.positions.get(key);
		long offset = 0;
		if (position != null && position.fileKey().equals(fileKey)) {
			offset = position.offset();
			if (attributes.size() < offset) {
				// truncated: what is there now was written after the truncation
				offset = 0;
			}
			else if (attributes.size() == offset) {
				return false;
			}
		}
		else if (position != null) {
			readRotated(app, stream, file, position);
		}
		long consumed = consume(app, stream, file, offset, attributes.size(), false, waitedEnough(key, offset));
		if (consumed == 0) {
			// an open traceback waits for its last line (see waitedEnough)
			this.waiting.putIfAbsent(key, new Waiting(offset, System.nanoTime()));
		}
		else {
			this.waiting.remove(key);
		}
		this.positions.put(key, new Position(fileKey, offset + consumed));
		return consumed > 0 || position == null || !position.fileKey().equals(fileKey);
	}

	/**
	 * Whether the lines at an offset have waited long enough for the rest of a traceback
	 * that a process began writing: then they are stored as they are.
	 */
	private boolean waitedEnough(String key, long offset) {
		Waiting waiting = this.waiting.get(key);
		if (waiting == null || waiting.offset() != offset) {
			this.waiting.remove(key);
			return false;
		}
		return System.nanoTime() - waiting.since() > FOLD_WAIT.toNanos();
	}

	/** The rest of a file that was renamed to {@code <name>.1} since the last pass. */
	private void readRotated(Path app, String stream, Path file, Position position) throws IOException {
		Path rotated = file.resolveSibling(file.getFileName() + ".1");
		try {
			BasicFileAttributes attributes = Files.readAttributes(rotated, BasicFileAttributes.class);
			if (String.valueOf(attributes.fileKey()).equals(position.fileKey())) {
				long offset = position.offset();
				while (offset < attributes.size()) {
					long consumed = consume(app, stream, rotated, offset, attributes.size(), true, true);
					if (consumed == 0) {
						break;
					}
					offset += consumed;
				}
			}
		}
		catch (NoSuchFileException ex) {
			// rotated away without a .1 file: what was not read yet is gone
		}
	}

	/**
	 * Reads whole lines from an offset and collects them.
	 * @param complete whether nothing more will be written to the file, so that a last
	 * line without a line break is complete too
	 * @param flushOpen whether an open traceback at the end is stored as it is rather
	 * than left for the next pass
	 * @return the number of bytes consumed
	 */
	private long consume(Path app, String stream, Path file, long offset, long size, boolean complete,
			boolean flushOpen) throws IOException {
		int length = (int) Math.min(CHUNK, size - offset);
		if (length <= 0) {
			return 0;
		}
		ByteBuffer buffer = ByteBuffer.allocate(length);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			channel.position(offset);
			while (buffer.hasRemaining() && channel.read(buffer) > 0) {
				// read until the buffer is full or the file ends
			}
		}
		byte[] bytes = buffer.array();
		int read = buffer.position();
		int usable = read;
		while (usable > 0 && bytes[usable - 1] != '\n') {
			usable--;
		}
		if (usable == 0) {
			if (read == 0) {
				return 0;
			}
			if (read < MAX_LINE && !complete) {
				return 0;
			}
			usable = read;
		}
		return collect(app, stream, bytes, usable, complete || flushOpen);
	}

	/**
	 * Folds whole lines into records and collects them.
	 * @return the bytes used: an open traceback at the end is left for the next pass
	 */
	private int collect(Path app, String stream, byte[] bytes, int length, boolean complete) {
		List<String> lines = new ArrayList<>();
		List<Integer> ends = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < length; i++) {
			if (bytes[i] == '\n' || i == length - 1) {
				int end = (bytes[i] == '\n') ? i : i + 1;
				if (end > start && bytes[end - 1] == '\r') {
					end--;
				}
				lines.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
				ends.add(i + 1);
				start = i + 1;
			}
		}
		OutputFolder.Folded folded = OutputFolder.fold(lines, stream.equals("stderr"), complete);
		String name = app.getFileName().toString();
		String release = release(app);
		Integer pid = pid(app);
		Instant now = Instant.now();
		List<LogRecord> records = new ArrayList<>();
		for (OutputFolder.Group group : folded.groups()) {
			String message = group.message();
			if (message.length() > LogSocketServer.MAX_MESSAGE) {
				message = message.substring(0, LogSocketServer.MAX_MESSAGE) + " [truncated]";
			}
			String exception = group.exception();
			if (exception != null && exception.length() > LogSocketServer.MAX_EXCEPTION) {
				exception = exception.substring(0, LogSocketServer.MAX_EXCEPTION) + " [truncated]";
			}
			records.add(new LogRecord(0, (group.time() != null) ? group.time() : now, name, release, group.level(),
					group.logger(), message, exception, (group.pid() != null) ? group.pid() : pid, null, null));
		}
		if (!records.isEmpty()) {
			this.collector.collect(records);
		}
		return (folded.used() == 0) ? 0 : ends.get(folded.used() - 1);
	}

	private static @Nullable String release(Path app) {
		try {
			return Files.readSymbolicLink(new AppPaths(app).current()).getFileName().toString();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return null;
		}
	}

	private static @Nullable Integer pid(Path app) {
		try {
			return Integer.valueOf(Files.readString(app.resolve("run").resolve("app.pid")).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	private void loadPositions() {
		if (!Files.isRegularFile(this.offsetsFile)) {
			return;
		}
		try {
			Map<String, Position> saved = this.mapper.readValue(this.offsetsFile.toFile(),
					new TypeReference<Map<String, Position>>() {
					});
			this.positions.putAll(saved);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring unreadable {}: {}", this.offsetsFile, ex.getMessage());
		}
	}

	private void savePositions() {
		AtomicFiles.write(this.offsetsFile, this.mapper.writeValueAsString(new LinkedHashMap<>(this.positions)),
				AtomicFiles.OWNER_ONLY);
	}

	/**
	 * Lines left unread for the rest of a traceback.
	 *
	 * @param offset where they begin
	 * @param since when they were first left ({@link System#nanoTime()})
	 */
	private record Waiting(long offset, long since) {
	}

	/**
	 * How far one output file was read.
	 *
	 * @param fileKey the file's identity (device and inode)
	 * @param offset the bytes read
	 */
	record Position(String fileKey, long offset) {
	}

}
