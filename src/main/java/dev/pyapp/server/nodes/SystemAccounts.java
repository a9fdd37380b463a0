package dev.pyapp.server.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The host's system users and groups, through the shadow suite ({@code useradd},
 * {@code userdel}) and {@code getent}: accounts for apps are created with no login shell
 * and a home of the caller's choosing, and nothing else of {@code /etc/passwd} is
 * touched.
 */
@Component
public class SystemAccounts {

	private static final Logger logger = LoggerFactory.getLogger(SystemAccounts.class);

	/** What {@code useradd} accepts, and the 32-byte limit of Linux user names. */
	private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_-]{0,31}$");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** useradd and userdel: "can't update password file" (another one holds the lock). */
	private static final int LOCKED = 10;

	/**
	 * One {@code passwd} entry.
	 *
	 * @param name the user's name
	 * @param uid its id
	 * @param gid its primary group
	 * @param comment the GECOS field
	 * @param home its home directory
	 */
	public record Entry(String name, int uid, int gid, String comment, Path home) {

		public Isolation.Account account() {
			return new Isolation.Account(this.name, this.uid, this.gid, this.home);
		}

	}

	/**
	 * Looks a user up.
	 * @param name the user's name
	 * @return its entry, or empty if there is none
	 */
	public Optional<Entry> find(String name) {
		Assert.isTrue(NAME.matcher(name).matches(), () -> "not a user name: " + name);
		ExecRequest request = getent("passwd", name);
		ExecResult result = ProcessRunner.exec(request, request.command());
		return result.succeeded() ? parse(result.output().strip()) : Optional.empty();
	}

	/**
	 * Looks a user up by id.
	 * @param uid the id
	 * @return its entry, or empty if there is none
	 */
	public Optional<Entry> find(int uid) {
		ExecRequest request = getent("passwd", Integer.toString(uid));
		ExecResult result = ProcessRunner.exec(request, request.command());
		return result.succeeded() ? parse(result.output().strip()) : Optional.empty();
	}

	/**
	 * Every user of the host.
	 * @return the entries
	 */
	public List<Entry> list() {
		ExecRequest request = ExecRequest.of("getent", "passwd").withTimeout(TIMEOUT);
		ExecResult result = ProcessRunner.exec(request, request.command());
		List<Entry> entries = new ArrayList<>();
		for (String line : result.output().split("\n")) {
			parse(line).ifPresent(entries::add);
		}
		return entries;
	}

	/**
	 * The primary group id of a group's name.
	 * @param group the group
	 * @return its id, or empty if there is no such group
	 */
	public Optional<Integer> groupId(String group) {
		ExecRequest request = getent("group", group);
		ExecResult result = ProcessRunner.exec(request, request.command());
		if (!result.succeeded()) {
			return Optional.empty();
		}
		String[] fields = result.output().strip().split(":");
		try {
			return (fields.length >= 3) ? Optional.of(Integer.parseInt(fields[2])) : Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Creates a system user with a group of the same name, no login shell and no home
	 * directory made for it.
	 * @param name the user's name
	 * @param home its home directory (the caller creates it)
	 * @param comment the GECOS field (no {@code :} or line break)
	 * @param uid the user and group id to use again, or {@code null} for the next free
	 * system id
	 * @return its entry
	 * @throws NodeException if {@code useradd} fails, with its message
	 */
	public Entry create(String name, Path home, String comment, @Nullable Integer uid) {
		Assert.isTrue(NAME.matcher(name).matches(), () -> "not a user name: " + name);
		Assert.isTrue(!comment.contains(":") && !comment.contains("\n"), "the comment may hold no ':' or line break");
		Assert.isTrue(!home.toString().contains(":") && !home.toString().contains("\n"),
				"the home directory may hold no ':' or line break");
		List<String> command = new ArrayList<>(List.of("useradd", "--system", "--no-create-home", "--home-dir",
				home.toString(), "--shell", nologin(), "--comment", comment));
		if (uid != null) {
			if (groupId(name).isEmpty()) {
				run(List.of("groupadd", "--system", "--gid", uid.toString(), name), "groupadd " + name);
			}
			command.addAll(List.of("--uid", uid.toString(), "--gid", name));
		}
		else {
			command.add("--user-group");
		}
		command.add(name);
		run(command, "useradd " + name);
		Entry entry = find(name).orElseThrow(() -> new NodeException("useradd made no user " + name, null));
		logger.info("Created the system user {} (uid {}, gid {})", name, entry.uid(), entry.gid());
		return entry;
	}

	/**
	 * Deletes a user (and its group, when no other user is in it). A user that does not
	 * exist is no error.
	 * @param name the user's name
	 * @throws NodeException if {@code userdel} fails, for example because a process still
	 * runs as that user
	 */
	public void delete(String name) {
		Assert.isTrue(NAME.matcher(name).matches(), () -> "not a user name: " + name);
		if (find(name).isEmpty()) {
			return;
		}
		run(List.of("userdel", name), "userdel " + name);
		logger.info("Deleted the system user {}", name);
	}

	private static void run(List<String> command, String what) {
		ExecRequest request = ExecRequest.of(command).withTimeout(TIMEOUT);
		for (int attempt = 1;; attempt++) {
			ExecResult result = ProcessRunner.exec(request, command);
			if (result.succeeded()) {
				return;
			}
			if (result.exitCode() != LOCKED || attempt == 5) {
				throw new NodeException(
						what + " failed (exit code " + result.exitCode() + "): " + result.output().strip(), null);
			}
			// another process holds the lock of /etc/passwd: wait for it
			try {
				Thread.sleep(200L * attempt);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new NodeException("interrupted while waiting for " + what, ex);
			}
		}
	}

	private static String nologin() {
		for (String shell : List.of("/usr/sbin/nologin", "/sbin/nologin")) {
			if (Files.isExecutable(Path.of(shell))) {
				return shell;
			}
		}
		return "/bin/false";
	}

	private static ExecRequest getent(String database, String key) {
		return ExecRequest.of("getent", database, key).withTimeout(TIMEOUT);
	}

	static Optional<Entry> parse(String line) {
		String[] fields = line.split(":", -1);
		if (fields.length < 7) {
			return Optional.empty();
		}
		try {
			return Optional.of(new Entry(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[4],
					Path.of(fields[5])));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

}
