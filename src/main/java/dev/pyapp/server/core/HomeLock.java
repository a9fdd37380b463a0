package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * One server per {@code PYAPP_HOME}: {@code run/server.lock} is locked for the life of
 * the server's process and names its pid, so that a second server started on the same
 * home says in one line which home and which process hold it, instead of failing deep
 * inside its database with a long trace.
 */
public final class HomeLock {

	/** The lock file, below PYAPP_HOME. */
	public static final String FILE = "run/server.lock";

	private final FileChannel channel;

	private final FileLock lock;

	private HomeLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Locks a home for this process.
	 * @param home the PYAPP_HOME directory
	 * @return the lock, held until {@link #release()} or the end of the process
	 * @throws Held if another process holds it
	 */
	public static HomeLock acquire(Path home) {
		Path file = home.toAbsolutePath().normalize().resolve(FILE);
		try {
			Files.createDirectories(file.getParent());
			FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				String holder = holder(channel);
				channel.close();
				throw new Held(home.toAbsolutePath().normalize(), holder);
			}
			channel.truncate(0);
			channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
					0);
			channel.force(false);
			return new HomeLock(channel, lock);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot lock " + file, ex);
		}
	}

	/** Lets another server use the home (the end of the process does too). */
	public void release() {
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ex) {
			// the process ends soon, and with it the lock
		}
	}

	private static @Nullable String holder(FileChannel channel) {
		try {
			ByteBuffer buffer = ByteBuffer.allocate(32);
			channel.read(buffer, 0);
			String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
			return pid.matches("\\d{1,10}") ? pid : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Another process holds the home.
	 */
	public static final class Held extends PyappException {

		Held(Path home, @Nullable String pid) {
			super(ErrorKind.CONFLICT,
					"PYAPP_HOME " + home + " is in use by another PyApp Server"
							+ ((pid != null) ? " (pid " + pid + ")" : "")
							+ "; stop it first (bin/pyapp server stop) or start this one with another PYAPP_HOME");
		}

	}

	/**
	 * Takes the lock as soon as the server's environment says where its home is, before
	 * anything is opened there; a held home ends the start with one line in the log and
	 * exit code 1.
	 */
	public static final class OnStart implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

		private static volatile @Nullable HomeLock held;

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			Path home = Binder.get(event.getEnvironment()).bind("pyapp.home", Path.class).orElse(Path.of("./var"));
			try {
				held = acquire(home);
			}
			catch (Held ex) {
				// logging is set up by now (its listener runs first): one line, no trace
				LoggerFactory.getLogger(HomeLock.class).error(ex.getMessage());
				System.exit(1);
			}
		}

	}

}
