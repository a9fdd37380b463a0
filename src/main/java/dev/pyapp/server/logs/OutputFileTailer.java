package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.AppOutputFiles;
import dev.pyapp.server.logs.internal.AppOutputReader;
import dev.pyapp.server.logs.internal.LogsProperties;
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
 * Reads what the apps' daemons write to {@code apps/<name>/logs/<release>.stdout.log} and
 * {@code <release>.stderr.log} into log records, in rounds: which files an app has is
 * {@link AppOutputFiles}, how they are read (offsets kept across restarts in
 * {@code run/log-offsets.json}, truncation and rotation, tracebacks folded into one
 * record, the bound {@code pyapp.logs.output-max-size}, a removed release's files
 * deleted) is {@link AppOutputReader}.
 * <p>
 * The apps are looked at a part at a time: a round of {@code pyapp.logs.tail-interval} is
 * cut into {@link #SLICES} ticks, each looking at the apps whose names hash to it, so
 * that a pass over hundreds of apps does not take a core in one piece beside the calls of
 * that moment. Every app is still looked at once a round: what a process writes is read
 * within one interval plus the time of a round's ticks (about 250 ms by default), an open
 * traceback within 2 s more. The list of apps is read again only when {@code apps/}
 * changed. A directory time less than {@link #SETTLED_MILLIS} old is not trusted (its
 * granularity could hide a second change). The offsets are saved once a round when they
 * changed.
 * <p>
 * A record without a pid of its own gets the pid of the app's live daemon as the
 * supervisor knows it; the app's {@code run/app.pid} is not read, since the app can
 * replace it (with a FIFO, whose opening would block this thread and the log capture of
 * every app).
 */
@Component
class OutputFileTailer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutputFileTailer.class);

	/** Into how many ticks a round of the interval is cut. */
	static final int SLICES = 10;

	/** How old a directory's time must be before an unchanged one is trusted. */
	static final long SETTLED_MILLIS = 2000;

	/** How often an idle release's output file is looked at for a removed release. */
	static final Duration REMOVED_CHECK = Duration.ofSeconds(30);

	private final PyappHome home;

	private final Duration interval;

	private final AppOutputReader reader;

	/** The apps' directories by name, as listed last. */
	private final Map<String, AppOutputFiles> apps = new LinkedHashMap<>();

	/** The time of {@code apps/} when it was listed last, {@code -1} before. */
	private long appsListed = -1;

	/** How often an idle release's output file is looked at for a removed release. */
	Duration removedCheck = REMOVED_CHECK;

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

	/**
	 * @param pids the pid of an app's live daemon, by the app's name and the release that
	 * wrote a line ({@code null} when not known): none when the live daemon runs another
	 * release
	 */
	OutputFileTailer(PyappHome home, LogCollector collector, Duration interval, long maxSize,
			BiFunction<String, @Nullable String, @Nullable Integer> pids, OutputTrimmer trimmer) {
		this.home = home;
		this.interval = interval;
		this.reader = new AppOutputReader(collector, home.run().resolve("log-offsets.json"), maxSize, pids, trimmer,
				LogSocketServer.MAX_MESSAGE, LogSocketServer.MAX_EXCEPTION);
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
		this.reader.loadOffsets();
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
			this.reader.saveOffsetsIfChanged();
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
			for (AppOutputFiles app : this.apps.values()) {
				if (app.part() == part) {
					this.reader.look(app, settled, this.removedCheck);
				}
			}
		}
		finally {
			if (part == SLICES - 1) {
				this.reader.saveOffsetsIfChanged();
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
		Map<String, AppOutputFiles> listed = new LinkedHashMap<>();
		try (DirectoryStream<Path> apps = Files.newDirectoryStream(root, Files::isDirectory)) {
			for (Path app : apps) {
				String name = app.getFileName().toString();
				AppOutputFiles known = this.apps.get(name);
				listed.put(name,
						(known != null) ? known : new AppOutputFiles(app, Math.floorMod(name.hashCode(), SLICES)));
			}
		}
		this.apps.clear();
		this.apps.putAll(listed);
		this.appsListed = time;
		return true;
	}

}
