package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.ServerFileModes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Watches {@code PYAPP_HOME/dropbox/}: a {@code .pyapp} or {@code .zip} file that appears
 * there installs or upgrades its app. The JDK watch service reports new files at once; a
 * periodic listing catches what it missed, and what was dropped while the server was
 * down. A file is taken only when it is complete: its size and modification time have
 * settled and its zip central directory can be read. Names ending in {@code .part} and
 * dotfiles are never taken. Each file then moves to {@code .done/} or {@code .failed/}
 * with a {@code <file>.result.txt}; one being installed waits in {@code .work/}, from
 * where a restart takes it again. Files are installed one at a time.
 */
@Component
class DropFolderWatcher implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DropFolderWatcher.class);

	private static final int RESULTS_KEPT = 100;

	private final Path dropbox;

	private final Path work;

	private final DropHandler handler;

	private final DropboxProperties properties;

	private final Clock clock;

	private final DropResultFiles resultFiles;

	private final DropProcessor processor;

	private final Map<Path, Observation> pending = new ConcurrentHashMap<>();

	private final Map<Path, Fingerprint> rejected = new ConcurrentHashMap<>();

	private final List<DropResult> results = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	private @Nullable WatchService watchService;

	private @Nullable ScheduledExecutorService scheduler;

	private final @Nullable AuditLog audit;

	@Autowired
	DropFolderWatcher(PyappHome home, DropHandler handler, DropboxProperties properties, AuditLog audit) {
		this(home.dropbox(), handler, properties, Clock.systemUTC(), audit);
	}

	DropFolderWatcher(Path dropbox, DropHandler handler, DropboxProperties properties, Clock clock) {
		this(dropbox, handler, properties, clock, null);
	}

	DropFolderWatcher(Path dropbox, DropHandler handler, DropboxProperties properties, Clock clock,
			@Nullable AuditLog audit) {
		this.audit = audit;
		this.dropbox = dropbox.toAbsolutePath().normalize();
		this.work = this.dropbox.resolve(".work");
		this.handler = handler;
		this.properties = properties;
		this.clock = clock;
		this.resultFiles = new DropResultFiles(this.dropbox.resolve(".done"), this.dropbox.resolve(".failed"));
		this.processor = new DropProcessor(handler, this.resultFiles, clock);
	}

	@Override
	public synchronized void start() {
		if (!this.properties.enabled() || this.running) {
			return;
		}
		try {
			// the server's own, whatever the umask it was started with
			ServerFileModes.privateDirectory(this.work);
			this.resultFiles.createDirectories();
			recoverInterrupted();
			WatchService service = FileSystems.getDefault().newWatchService();
			this.dropbox.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
			this.watchService = service;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot watch " + this.dropbox, ex);
		}
		this.running = true;
		Thread watchThread = new Thread(this::watch, "pyapp-dropbox-watch");
		watchThread.setDaemon(true);
		watchThread.start();
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-dropbox");
			thread.setDaemon(true);
			return thread;
		});
		// the first look-up of live releases loads the registry's code paths; do it now
		// rather than when the first file is waiting
		executor.execute(guarded(() -> this.handler.liveReleaseWithChecksum("")));
		executor.scheduleWithFixedDelay(guarded(this::rescan), 0, this.properties.rescan().toMillis(),
				TimeUnit.MILLISECONDS);
		executor.scheduleWithFixedDelay(guarded(this::checkPending), this.properties.tick().toMillis(),
				this.properties.tick().toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = executor;
		logger.info("Watching {} for .pyapp and .zip files", this.dropbox);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		try {
			if (this.watchService != null) {
				this.watchService.close();
			}
			if (this.scheduler != null) {
				// an install under way finishes; the periodic tasks end
				this.scheduler.shutdown();
				this.scheduler.awaitTermination(60, TimeUnit.SECONDS);
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot close the watch service of {}", this.dropbox, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * The outcome of the latest files, oldest first.
	 * @return up to 100 results
	 */
	List<DropResult> results() {
		return List.copyOf(this.results);
	}

	private void watch() {
		WatchService service = this.watchService;
		while (this.running && service != null) {
			try {
				WatchKey key = service.take();
				for (WatchEvent<?> event : key.pollEvents()) {
					if (event.context() instanceof Path name) {
						offer(this.dropbox.resolve(name));
					}
					else {
						// OVERFLOW: events were lost; the listing finds the files
						rescan();
					}
				}
				key.reset();
			}
			catch (ClosedWatchServiceException | InterruptedException ex) {
				return;
			}
		}
	}

	private void rescan() {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dropbox)) {
			files.forEach(this::offer);
		}
		catch (IOException ex) {
			logger.warn("Cannot list {}", this.dropbox, ex);
		}
	}

	private void offer(Path file) {
		if (isCandidate(file.getFileName().toString())) {
			this.pending.putIfAbsent(file, Observation.NONE);
		}
	}

	static boolean isCandidate(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return !name.startsWith(".") && (lower.endsWith(".pyapp") || lower.endsWith(".zip"));
	}

	private void checkPending() {
		for (Path file : new ArrayList<>(this.pending.keySet())) {
			if (!this.running) {
				return;
			}
			check(file);
		}
	}

	private void check(Path file) {
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			this.pending.remove(file);
			return;
		}
		if (!attributes.isRegularFile()) {
			this.pending.remove(file);
			return;
		}
		Fingerprint fingerprint = new Fingerprint(attributes.size(), attributes.lastModifiedTime().toInstant());
		if (fingerprint.equals(this.rejected.get(file))) {
			this.pending.remove(file);
			return;
		}
		Instant now = this.clock.instant();
		Observation previous = this.pending.get(file);
		if (previous == null || !fingerprint.equals(previous.fingerprint())) {
			this.pending.put(file, new Observation(fingerprint, now));
			return;
		}
		Duration settle = this.properties.settle();
		boolean settled = !fingerprint.modified().plus(settle).isAfter(now)
				|| !previous.since().plus(settle).isAfter(now);
		if (!settled) {
			return;
		}
		if (readableZip(file) || !previous.since().plus(this.properties.giveUp()).isAfter(now)) {
			this.pending.remove(file);
			take(file, fingerprint, now);
		}
	}

	private void take(Path file, Fingerprint fingerprint, Instant pickedUp) {
		String name = file.getFileName().toString();
		Path working = this.work.resolve(name);
		try {
			Files.move(file, working, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			// left in place: not taken again until it changes
			this.rejected.put(file, fingerprint);
			logger.warn("Cannot take {} from the drop folder: {}", name, ex.toString());
			return;
		}
		install(working, name, fingerprint.modified(), pickedUp);
	}

	private void install(Path working, String name, Instant completed, Instant pickedUp) {
		DropResult result = this.processor.process(working, name, completed, pickedUp);
		audit(result);
		this.results.add(result);
		while (this.results.size() > RESULTS_KEPT) {
			this.results.remove(0);
		}
	}

	/**
	 * Every file taken from the drop folder is a call of {@code apps.install} by
	 * {@code dropbox}.
	 */
	private void audit(DropResult result) {
		if (this.audit == null) {
			return;
		}
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("file", result.file());
		params.put("sha256", result.checksum());
		params.put("result", result.outcome().value);
		Duration took = Duration.between(result.pickedUp(), result.finished());
		this.audit.record((result.outcome() == DropResult.Outcome.FAILED)
				? AuditEntry.failed(result.pickedUp(), "dropbox", null, null, "apps.install", params,
						dev.pyapp.server.core.ErrorKind.FAILED.code(), result.summary(), took)
				: AuditEntry.ok(result.pickedUp(), "dropbox", null, null, "apps.install", params, took));
	}

	// a stop during an install leaves the file in .work/: take it again
	private void recoverInterrupted() throws IOException {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.work)) {
			for (Path file : files) {
				Path back = this.dropbox.resolve(file.getFileName());
				if (Files.exists(back, LinkOption.NOFOLLOW_LINKS)) {
					// a newer drop of the same name supersedes the interrupted one
					Files.delete(file);
				}
				else {
					Files.move(file, back, StandardCopyOption.ATOMIC_MOVE);
				}
			}
		}
	}

	static boolean readableZip(Path file) {
		try (ZipFile zip = new ZipFile(file.toFile())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// a periodic task that throws is never run again: log and carry on
				logger.error("Drop folder task failed", ex);
			}
		};
	}

	record Fingerprint(long size, Instant modified) {
	}

	record Observation(@Nullable Fingerprint fingerprint, Instant since) {

		static final Observation NONE = new Observation(null, Instant.EPOCH);

	}

}
