package dev.pyapp.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.isolation.TestAccounts;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

import static org.awaitility.Awaitility.await;

/**
 * The PYAPP_HOMEs of the tests' Spring contexts, deleted when their context closes.
 * <p>
 * A test context is cached and may be shared by several test classes, so a test class
 * cannot delete the home its context writes to in its {@code @AfterAll}: the context goes
 * on running (and writing) until the context cache closes it, at the latest at the test
 * JVM's end. A home made by {@link #create} is deleted then, as the context's very last
 * step, after every bean of it has stopped: with the system users whose home is below it
 * and the apps' cgroups of its server ({@link TestAccounts#deleteUnder}). {@link Cleanup}
 * hooks this into every test context ({@code META-INF/spring.factories}); a context whose
 * {@code pyapp.home} was not made here is left alone.
 */
public final class TestHomes {

	private static final Logger logger = LoggerFactory.getLogger(TestHomes.class);

	private static final Set<Path> homes = ConcurrentHashMap.newKeySet();

	private TestHomes() {
	}

	/**
	 * Creates a home in the temporary directory, deleted with the context that uses it.
	 * @param prefix the start of its name
	 * @return the new directory
	 */
	public static Path create(String prefix) {
		return create(Path.of(System.getProperty("java.io.tmpdir")), prefix);
	}

	/**
	 * Creates a home in a directory, deleted with the context that uses it (or with the
	 * context whose home is below it).
	 * @param parent where ({@code /tmp} for short app socket paths)
	 * @param prefix the start of its name
	 * @return the new directory
	 */
	public static Path create(Path parent, String prefix) {
		try {
			Path dir = Files.createTempDirectory(parent, prefix);
			homes.add(key(dir));
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Deletes a home made by {@link #create} that holds {@code path} (the home itself or
	 * a directory below it), with the users and cgroups its server made; a path of no
	 * such home is left alone.
	 * @param path the home, or a path below it
	 */
	public static void delete(Path path) {
		Path target = key(path);
		for (Path home : List.copyOf(homes)) {
			if (target.startsWith(home) && homes.remove(home)) {
				// what the server left running (a managed web server, daemons) is
				// named by the pid files under its home, which are about to go
				stopProcesses(home);
				if (!target.equals(home)) {
					// the cgroups of a server whose home is below it
					TestAccounts.deleteUnder(target);
				}
				TestAccounts.deleteUnder(home);
				deleteTree(home);
			}
		}
	}

	/**
	 * Stops the processes named by the pid files under a home whose command line names
	 * the home (only a process of that server's run): TERM, then KILL after 10 s.
	 */
	private static void stopProcesses(Path home) {
		List<ProcessHandle> running = new ArrayList<>();
		try (Stream<Path> files = Files.walk(home)) {
			files.filter((file) -> file.getFileName().toString().endsWith(".pid")).forEach((file) -> {
				try {
					ProcessHandle.of(Long.parseLong(Files.readString(file).trim()))
						.filter(ProcessHandle::isAlive)
						.filter((process) -> commandLine(process.pid()).contains(home.toString()))
						.ifPresent(running::add);
				}
				catch (NumberFormatException | IOException ex) {
					// not a pid file of a process, or gone while we looked
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Cannot look for the processes of the test home {}", home, ex);
		}
		running.forEach(ProcessHandle::destroy);
		for (ProcessHandle process : running) {
			try {
				process.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
			catch (ExecutionException | TimeoutException ex) {
				process.destroyForcibly();
			}
		}
	}

	/**
	 * The live processes whose command line names a path, such as a test's home.
	 * @param path the path
	 * @return each as its pid and command line (arguments separated by spaces)
	 */
	public static List<String> processesNaming(Path path) {
		String name = path.toString();
		return ProcessHandle.allProcesses()
			.filter((process) -> process.pid() != ProcessHandle.current().pid())
			.map((process) -> process.pid() + ": " + commandLine(process.pid()))
			.filter((line) -> line.contains(name))
			.map((line) -> line.replace('\0', ' ').strip())
			.toList();
	}

	/**
	 * The raw command line: nginx rewrites its own, which ProcessHandle.Info then drops.
	 */
	private static String commandLine(long pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** Deletes a tree, again if a process that was still ending wrote into it. */
	private static void deleteTree(Path home) {
		try {
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
				AtomicFiles.deleteTree(home);
				return !Files.exists(home);
			});
		}
		catch (ConditionTimeoutException ex) {
			logger.warn("Cannot delete the test home {}", home, ex);
		}
	}

	private static Path key(Path path) {
		return path.toAbsolutePath().normalize();
	}

	/**
	 * Registers, for every test context, the deletion of its home as the first disposable
	 * of its bean factory: the factory destroys its disposables in the reverse order of
	 * their registration, so this one runs after every bean of the context is gone. It
	 * equals every other instance, so it does not change the context cache's keys.
	 */
	static final class Cleanup implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			ConfigurableListableBeanFactory factory = context.getBeanFactory();
			if (factory instanceof DefaultSingletonBeanRegistry registry) {
				registry.registerDisposableBean(TestHomes.class.getName(), () -> {
					String home = context.getEnvironment().getProperty("pyapp.home");
					if (home != null && !home.isBlank()) {
						delete(Path.of(home));
					}
				});
			}
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Cleanup;
		}

		@Override
		public int hashCode() {
			return Cleanup.class.hashCode();
		}

	}

	/** Makes a {@link Cleanup} for every test context. */
	public static final class CleanupFactory implements ContextCustomizerFactory {

		@Override
		public ContextCustomizer createContextCustomizer(Class<?> testClass,
				List<ContextConfigurationAttributes> configAttributes) {
			return new Cleanup();
		}

	}

}
