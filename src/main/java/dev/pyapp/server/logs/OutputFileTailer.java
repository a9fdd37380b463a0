package dev.pyapp.server.logs;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.OutputFolder;
import dev.pyapp.server.logs.internal.OutputTrimmer;
import dev.pyapp.server.nodes.LocalNodeShell;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads what the apps' daemons write to {@code apps/<name>/logs/<release>.stdout.log}
 * (INFO records, logger {@code stdout}) and {@code <release>.stderr.log} (WARNING, logger
 * {@code stderr}; gunicorn's and uWSGI's own lines at their level with logger
 * {@code gunicorn} or {@code uwsgi}), a traceback folded into one record
 * ({@link OutputFolder}). Each release's daemons have files of their own, so every record
 * has the release of the daemon that wrote it (SPEC §10), also while a candidate starts
 * beside the live daemon or a replaced one stops after the switch; {@code stdout.log} and
 * {@code stderr.log}, written by the daemons a server before those files started (still
 * running, adopted), are filed under the live release. The files of a release that was
 * removed are deleted once read to their end. The offset read so far is kept per file in
 * {@code PYAPP_HOME/run/log-offsets.json}, so nothing is read twice across restarts; a
 * file that shrank was truncated and is read from its start, and a file replaced by a new
 * one (rotation) has the rest of the old one read from {@code <name>.1} first.
 * <p>
 * The apps are looked at a part at a time: a round of {@code pyapp.logs.tail-interval} is
 * cut into {@link #SLICES} ticks, each looking at the apps whose names hash to it, so
 * that a pass over hundreds of apps does not take a core in one piece beside the calls of
 * that moment. Every app is still looked at once a round: what a process writes is read
 * within one interval plus the time of a round's ticks (about 250 ms by default), an open
 * traceback within {@link #FOLD_WAIT} more. A look costs one {@code stat} of the app's
 * {@code logs/} directory and one per output file; the directory is listed again only
 * when it changed (creating, renaming or deleting a file in it changes its time). The
 * list of apps is read again only when {@code apps/} changed. A directory time less than
 * {@link #SETTLED_MILLIS} old is not trusted (its granularity could hide a second
 * change). The offsets are saved once a round when they changed.
 * <p>
 * The files are bounded by {@code pyapp.logs.output-max-size}: a file that large and read
 * to its end has what was read taken off its start ({@link OutputTrimmer}: its daemon
 * writes with {@code O_APPEND} and goes on at the new end, and what it writes meanwhile
 * stays), and when that much is left unread, because a process writes faster than a pass
 * reads, the unread part is dropped and a WARNING record (logger {@code pyapp.logs}) says
 * how many bytes. So an app cannot fill the disk through its output. On a file system
 * that cannot take a file's start (tmpfs, btrfs) the file is emptied instead, and what
 * the daemon writes in the instant between the size check and the truncation is lost.
 * <p>
 * A record without a pid of its own gets the pid of the app's live daemon as the
 * supervisor knows it; the app's {@code run/app.pid} is not read, since the app can
 * replace it (with a FIFO, whose opening would block this thread and the log capture of
 * every app).
 */
@Component
class OutputFileTailer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutputFileTailer.class);

	/** The most read of one file in one pass. */
	private static final int CHUNK = 4 * 1024 * 1024;

	/** How long the lines of a traceback a process began writing wait for the rest. */
	private static final Duration FOLD_WAIT = Duration.ofSeconds(2);

	/** A line longer than this is stored in pieces rather than waited for. */
	private static final int MAX_LINE = 64 * 1024;

	/** Into how many ticks a round of the interval is cut. */
	static final int SLICES = 10;

	/** How old a directory's time must be before an unchanged one is trusted. */
	static final long SETTLED_MILLIS = 2000;

	/** How often an idle release's output file is looked at for a removed release. */
	static final Duration REMOVED_CHECK = Duration.ofSeconds(30);

	private final PyappHome home;

	private final LogCollector collector;

	private final Duration interval;

	private final long maxSize;

	/**
	 * The pid of an app's live daemon, by the app's name and the release that wrote a
	 * line ({@code null} when not known): none when the live daemon runs another release.
	 */
	private final BiFunction<String, @Nullable String, @Nullable Integer> pids;

	private final OutputTrimmer trimmer;

	private final Path offsetsFile;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Map<String, Position> positions = new HashMap<>();

	private final Map<String, Waiting> waiting = new HashMap<>();

	/** The apps' directories by name, as listed last. */
	private final Map<String, AppFiles> apps = new LinkedHashMap<>();

	/** The time of {@code apps/} when it was listed last, {@code -1} before. */
	private long appsListed = -1;

	/** How often an idle release's output file is looked at for a removed release. */
	Duration removedCheck = REMOVED_CHECK;

	/** Whether an offset changed since they were saved. */
	private boolean unsaved;

	private int slice;

	private @Nullable ScheduledExecutorService executor;

	@Autowired
	OutputFileTailer(PyappHome home, LogCollector collector, LogsProperties properties,
			ObjectProvider<AppSupervisor> supervisor, NodeShell shell) {
		this(home, collector, properties.tailInterval(), properties.outputMaxSize().toBytes(),
				(name, release) -> livePid(supervisor.getIfAvailable(), name, release), new OutputTrimmer(shell));
	}

	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval) {
		this(home, collector, interval, 64L * 1024 * 1024, (name) -> null);
	}

	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval, long maxSize,
			Function<String, @Nullable Integer> pids) {
		this(home, collector, interval, maxSize, (name, release) -> pids.apply(name),
				new OutputTrimmer(LocalNodeShell.unisolated()));
	}

	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval, long maxSize,
			Function<String, @Nullable Integer> pids, OutputTrimmer trimmer) {
		this(home, collector, interval, maxSize, (name, release) -> pids.apply(name), trimmer);
	}

	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval, long maxSize,
			BiFunction<String, @Nullable String, @Nullable Integer> pids, OutputTrimmer trimmer) {
		this.home = home;
		this.collector = collector;
		this.interval = interval;
		this.maxSize = maxSize;
		this.pids = pids;
		this.trimmer = trimmer;
		this.offsetsFile = home.run().resolve("log-offsets.json");
	}

	private static @Nullable Integer livePid(@Nullable AppSupervisor supervisor, String name,
			@Nullable String release) {
		if (supervisor == null || !AppId.valid(name)) {
			return null;
		}
		AppStatus status = supervisor.status(AppId.of(name));
		Long pid = status.pid();
		if (pid == null || (release != null && !release.equals(status.release()))) {
			// a candidate's or a replaced daemon's line: not the live daemon's pid
			return null;
		}
		return Math.toIntExact(pid);
	}

	@Override
	public void start() {
		loadPositions();
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-log-files");
			thread.setDaemon(true);
			return thread;
		});
		long tick = Math.max(1, this.interval.toMillis() / SLICES);
		scheduler.scheduleWithFixedDelay(this::pollSafely, 0, tick, TimeUnit.MILLISECONDS);
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
			saveIfChanged();
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
			poll(this.slice);
		}
		catch (RuntimeException | IOException ex) {
			// one bad tick must not end the schedule
			logger.warn("Reading app output files failed: {}", ex.toString());
		}
		finally {
			this.slice = (this.slice + 1) % SLICES;
		}
	}

	/** One pass over every app's output files (a whole round at once). */
	synchronized void poll() throws IOException {
		for (int part = 0; part < SLICES; part++) {
			poll(part);
		}
	}

	/**
	 * Looks at the output files of one part of the apps; the last part saves the offsets
	 * if they changed.
	 * @param part which part, {@code 0} to {@code SLICES - 1}: the apps whose names hash
	 * to it
	 */
	synchronized void poll(int part) throws IOException {
		try {
			// not home.apps(), which creates it: a pass over nothing must leave
			// nothing behind
			if (!list(this.home.resolve("apps"), part)) {
				return;
			}
			long settled = System.currentTimeMillis() - SETTLED_MILLIS;
			for (AppFiles app : this.apps.values()) {
				if (app.part == part) {
					look(app, settled);
				}
			}
		}
		finally {
			if (part == SLICES - 1) {
				saveIfChanged();
			}
		}
	}

	/**
	 * Lists the apps' directories again if {@code apps/} changed since, or on the first
	 * part of a round while its time is recent.
	 * @return whether {@code apps/} exists
	 */
	private boolean list(Path root, int part) throws IOException {
		long time = root.toFile().lastModified();
		if (time == 0) {
			// not there (java.io's time of a missing file)
			this.apps.clear();
			this.appsListed = -1;
			return false;
		}
		if (time == this.appsListed && (part != 0 || time < System.currentTimeMillis() - SETTLED_MILLIS)) {
			return true;
		}
		Map<String, AppFiles> listed = new LinkedHashMap<>();
		try (DirectoryStream<Path> apps = Files.newDirectoryStream(root, Files::isDirectory)) {
			for (Path app : apps) {
				String name = app.getFileName().toString();
				AppFiles known = this.apps.get(name);
				listed.put(name, (known != null) ? known : new AppFiles(app));
			}
		}
		this.apps.clear();
		this.apps.putAll(listed);
		this.appsListed = time;
		return true;
	}

	/** Reads what is new in an app's output files. */
	private void look(AppFiles app, long settled) throws IOException {
		long logsTime = app.logs.lastModified();
		if (logsTime != app.listed || (logsTime != 0 && logsTime >= settled)) {
			// files are made and deleted only in logs/, which changes its time
			app.list(logsTime);
		}
		for (OutputFile file : List.copyOf(app.files.values())) {
			BasicFileAttributes attributes = file.attributes();
			if (attributes == null || !attributes.isRegularFile()) {
				// gone: dropped from the list when logs/ is listed again
				continue;
			}
			boolean read = read(app.dir, file, attributes);
			this.unsaved |= read;
			if (!read && file.release != null) {
				deleteIfRemoved(app, file);
			}
		}
	}

	/**
	 * Deletes the output files of a release that was removed once they are read to their
	 * end (no daemon of a removed release runs, and none is started again), looking
	 * whether it was at most every {@link #REMOVED_CHECK} (one {@code stat}).
	 */
	private void deleteIfRemoved(AppFiles app, OutputFile file) {
		long now = System.nanoTime();
		if (file.checked != 0 && now - file.checked < this.removedCheck.toNanos()) {
			return;
		}
		file.checked = now;
		if (this.waiting.containsKey(file.key) || Files.exists(app.dir.resolve("releases").resolve(file.release))) {
			return;
		}
		try {
			Files.deleteIfExists(file.path);
			Files.deleteIfExists(file.path.resolveSibling(file.path.getFileName() + ".1"));
		}
		catch (IOException ex) {
			logger.warn("Cannot delete {} of a removed release: {}", file.path, ex.toString());
			return;
		}
		app.files.remove(file.path.getFileName().toString());
		this.positions.remove(file.key);
		this.unsaved = true;
	}

	private void saveIfChanged() {
		if (this.unsaved) {
			this.unsaved = false;
			savePositions();
		}
	}

	private boolean read(Path app, OutputFile output, BasicFileAttributes attributes) throws IOException {
		String key = output.key;
		String stream = output.stream;
		Path file = output.path;
		String fileKey = output.fileKey(attributes.fileKey());
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
			readRotated(app, output, file, position);
		}
		long consumed = consume(app, output, file, offset, attributes.size(), false, waitedEnough(key, offset));
		if (consumed == 0) {
			// an open traceback waits for its last line (see waitedEnough)
			this.waiting.putIfAbsent(key, new Waiting(offset, System.nanoTime()));
		}
		else {
			this.waiting.remove(key);
		}
		long read = offset + consumed;
		this.positions.put(key, new Position(fileKey, read));
		if (attributes.size() >= this.maxSize) {
			bound(app, output, fileKey, read);
		}
		return consumed > 0 || position == null || !position.fileKey().equals(fileKey);
	}

	/**
	 * Takes the start off an output file that reached {@code pyapp.logs.output-max-size},
	 * up to what was read, or up to its end if that much of it was left unread (then the
	 * unread part is dropped and a WARNING record says how much): whole blocks, with
	 * {@link OutputTrimmer}, so that what the daemon appends meanwhile stays (less than a
	 * block of what was read stays too). Where the file system cannot, the file is
	 * emptied, and what the daemon writes between the size read here and the truncation
	 * is lost.
	 */
	private void bound(Path app, OutputFile output, String fileKey, long read) throws IOException {
		long unread;
		long removed;
		// logs/ is the server's (0700): the app cannot put a link or a FIFO in the
		// file's place; its daemon only holds the file open
		try (FileChannel channel = FileChannel.open(output.path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
			long size = channel.size();
			unread = size - read;
			if (unread > 0 && unread < this.maxSize) {
				// read on first: an app writing in bursts loses nothing
				return;
			}
			removed = this.trimmer.removeStart(output.path, (unread > 0) ? size : read, size);
			if (removed < 0) {
				channel.truncate(0);
				removed = read + unread;
			}
		}
		if (removed == 0) {
			return;
		}
		long dropped = Math.max(0, removed - read);
		// after a drop, the next pass may begin inside a line: it is stored as a line
		this.positions.put(output.key, new Position(fileKey, Math.max(0, read - removed)));
		this.waiting.remove(output.key);
		this.unsaved = true;
		if (dropped > 0) {
			String name = app.getFileName().toString();
			this.collector.collect(List
				.of(new LogRecord(0, Instant.now(), name, release(app, output), LogLevel.WARNING, "pyapp.logs",
						dropped + " bytes of " + output.stream + " were dropped unread: the app wrote them faster than "
								+ output.stream + ".log is read, and pyapp.logs.output-max-size (" + this.maxSize
								+ " bytes) bounds what may wait",
						null, this.pids.apply(name, output.release), null, null)));
		}
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
	private void readRotated(Path app, OutputFile output, Path file, Position position) throws IOException {
		Path rotated = file.resolveSibling(file.getFileName() + ".1");
		try {
			BasicFileAttributes attributes = Files.readAttributes(rotated, BasicFileAttributes.class);
			if (String.valueOf(attributes.fileKey()).equals(position.fileKey())) {
				long offset = position.offset();
				while (offset < attributes.size()) {
					long consumed = consume(app, output, rotated, offset, attributes.size(), true, true);
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
	private long consume(Path app, OutputFile output, Path file, long offset, long size, boolean complete,
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
		return collect(app, output, bytes, usable, complete || flushOpen);
	}

	/**
	 * Folds whole lines into records and collects them.
	 * @return the bytes used: an open traceback at the end is left for the next pass
	 */
	private int collect(Path app, OutputFile output, byte[] bytes, int length, boolean complete) {
		String stream = output.stream;
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
		String release = release(app, output);
		Integer pid = this.pids.apply(name, output.release);
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

	/**
	 * The release whose daemons wrote a file: the one its name says, or for
	 * {@code stdout.log} and {@code stderr.log} (written by the daemons a server before
	 * the per-release files started, of any release) the live one.
	 */
	private static @Nullable String release(Path app, OutputFile output) {
		if (output.release != null) {
			return output.release;
		}
		try {
			return Files.readSymbolicLink(new AppPaths(app).current()).getFileName().toString();
		}
		catch (IOException | UnsupportedOperationException ex) {
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

	/** One app's directory and output files, made once per app. */
	private static final class AppFiles {

		private static final String STDOUT_SUFFIX = "." + AppPaths.STDOUT_LOG;

		private static final String STDERR_SUFFIX = "." + AppPaths.STDERR_LOG;

		private final Path dir;

		private final String name;

		private final File logs;

		private final int part;

		/** The output files in {@code logs/} by name, as listed last. */
		private final Map<String, OutputFile> files = new LinkedHashMap<>();

		/** The time of {@code logs/} when it was listed last, {@code -1} before. */
		private long listed = -1;

		AppFiles(Path dir) {
			this.dir = dir;
			this.name = dir.getFileName().toString();
			this.logs = new AppPaths(dir).logs().toFile();
			this.part = Math.floorMod(this.name.hashCode(), SLICES);
		}

		/**
		 * Lists the output files in {@code logs/}: {@code <release>.stdout.log} and
		 * {@code <release>.stderr.log} of each release's daemons, and the
		 * {@code stdout.log} and {@code stderr.log} of daemons a server before those
		 * started.
		 */
		void list(long time) throws IOException {
			Map<String, OutputFile> listed = new LinkedHashMap<>();
			if (time != 0) {
				try (DirectoryStream<Path> files = Files.newDirectoryStream(this.logs.toPath())) {
					for (Path file : files) {
						String fileName = file.getFileName().toString();
						OutputFile known = this.files.get(fileName);
						OutputFile output = (known != null) ? known : outputFile(file, fileName);
						if (output != null) {
							listed.put(fileName, output);
						}
					}
				}
				catch (NoSuchFileException | NotDirectoryException ex) {
					// gone since its time was taken: nothing to read
				}
			}
			this.files.clear();
			this.files.putAll(listed);
			this.listed = time;
		}

		private @Nullable OutputFile outputFile(Path file, String fileName) {
			if (fileName.equals(AppPaths.STDOUT_LOG) || fileName.equals(AppPaths.STDERR_LOG)) {
				String stream = fileName.equals(AppPaths.STDERR_LOG) ? "stderr" : "stdout";
				// the key offsets were saved under before the per-release files
				return new OutputFile(this.name + "/" + stream, stream, file, null);
			}
			for (String suffix : new String[] { STDOUT_SUFFIX, STDERR_SUFFIX }) {
				if (fileName.endsWith(suffix) && fileName.length() > suffix.length()) {
					String release = fileName.substring(0, fileName.length() - suffix.length());
					String stream = suffix.equals(STDERR_SUFFIX) ? "stderr" : "stdout";
					return new OutputFile(this.name + "/" + fileName, stream, file, release);
				}
			}
			// a rotated file (read with its live one), or another log
			return null;
		}

	}

	/** One output file of an app, and what the last look at it found. */
	private static final class OutputFile {

		private final String key;

		private final String stream;

		private final Path path;

		/**
		 * The release whose daemons write it, or {@code null} for the file of daemons of
		 * any release (a server before the per-release files).
		 */
		private final @Nullable String release;

		/** When it was last looked at for a removed release ({@link System#nanoTime}). */
		private long checked;

		private @Nullable Object lastKey;

		private String lastKeyText = "";

		OutputFile(String key, String stream, Path path, @Nullable String release) {
			this.key = key;
			this.stream = stream;
			this.path = path;
			this.release = release;
		}

		/** Its attributes, or {@code null} if it does not exist. */
		@Nullable BasicFileAttributes attributes() throws IOException {
			try {
				return Files.readAttributes(this.path, BasicFileAttributes.class);
			}
			catch (NoSuchFileException ex) {
				// seldom: a file is looked at only while logs/ lists it
				return null;
			}
		}

		/** The file key's text, made once per file rather than on every look. */
		String fileKey(@Nullable Object key) {
			if (key == null || !key.equals(this.lastKey)) {
				this.lastKey = key;
				this.lastKeyText = String.valueOf(key);
			}
			return this.lastKeyText;
		}

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
