package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.nodes.SystemAccounts;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Deletes what a test's server made on the host for its apps: the system users whose home
 * is below the test's {@code PYAPP_HOME}, and the apps' cgroups of that server
 * ({@code <cgroup root>/[<controller>/]pyapp/<app>.<instance>}, the instance derived from
 * the home as {@link AppIsolation} does), after killing what is left in them, so that no
 * test leaves accounts or cgroups behind.
 */
public final class TestAccounts {

	private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

	private TestAccounts() {
	}

	public static void deleteUnder(Path home) {
		deleteCgroups(home);
		SystemAccounts accounts = new SystemAccounts();
		for (SystemAccounts.Entry entry : accounts.list()) {
			if (entry.comment().startsWith(AppAccounts.COMMENT) && entry.home().startsWith(home)) {
				accounts.delete(entry.name());
			}
		}
	}

	/**
	 * What a server with this home left on the host: its apps' users and cgroups.
	 * @param home the server's {@code PYAPP_HOME}
	 * @return the user names and cgroup directories, empty when nothing is left
	 */
	public static List<String> leftUnder(Path home) {
		List<String> left = new ArrayList<>();
		for (SystemAccounts.Entry entry : new SystemAccounts().list()) {
			if (entry.comment().startsWith(AppAccounts.COMMENT) && entry.home().startsWith(home)) {
				left.add("user " + entry.name());
			}
		}
		cgroups(home).forEach((cgroup) -> left.add("cgroup " + cgroup));
		return left;
	}

	private static void deleteCgroups(Path home) {
		for (Path app : cgroups(home)) {
			try {
				delete(app);
			}
			catch (IOException ex) {
				// not ours to read: left for the next run's look
			}
		}
	}

	private static List<Path> cgroups(Path home) {
		String instance = "." + AccountNames.hex(home.toAbsolutePath().normalize().toString()).substring(0, 8);
		List<Path> parents = new ArrayList<>(List.of(CGROUP_ROOT.resolve("pyapp")));
		try (DirectoryStream<Path> controllers = Files.newDirectoryStream(CGROUP_ROOT)) {
			controllers.forEach((controller) -> parents.add(controller.resolve("pyapp")));
		}
		catch (IOException ex) {
			return List.of();
		}
		List<Path> found = new ArrayList<>();
		for (Path parent : parents) {
			if (!Files.isDirectory(parent)) {
				continue;
			}
			try (DirectoryStream<Path> apps = Files.newDirectoryStream(parent, "*" + instance)) {
				apps.forEach(found::add);
			}
			catch (IOException ex) {
				// not ours to list: nothing of this test there
			}
		}
		return found;
	}

	/**
	 * Kills the processes of a cgroup tree, then removes its directories, deepest first.
	 */
	private static void delete(Path cgroup) throws IOException {
		List<Path> dirs;
		try (Stream<Path> walk = Files.walk(cgroup)) {
			dirs = walk.filter(Files::isDirectory)
				.sorted(Comparator.comparingInt(Path::getNameCount).reversed())
				.toList();
		}
		for (Path dir : dirs) {
			for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
				if (!line.isBlank()) {
					ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
				}
			}
		}
		for (Path dir : dirs) {
			// its processes may still be exiting
			try {
				await().atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(20))
					.ignoreExceptions()
					.until(() -> {
						Files.deleteIfExists(dir);
						return true;
					});
			}
			catch (ConditionTimeoutException ex) {
				// still busy: left for the next run's look
			}
		}
	}

}
