package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import dev.pyapp.server.cli.CliException;
import dev.pyapp.server.cli.CliUsageException;

/**
 * The {@code post-receive} hook {@code pyapp hooks install-git} writes into a git
 * repository on the server's host: a POSIX sh script that posts each pushed ref as the
 * generic payload {@code {"ref", "before", "after", "repository", "timestamp"}} to the
 * hook URL, signed with HMAC-SHA256 ({@code X-Pyapp-Signature: sha256=<hex>}). It holds
 * the hook's secret, so it is written with mode 0700 and the secret is never printed.
 */
public final class PostReceiveHook {

	/** Marks a hook we wrote, which may be replaced without {@code --force}. */
	public static final String MARKER = "# pyapp post-receive hook";

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private PostReceiveHook() {
	}

	/**
	 * The hooks directory of a repository: {@code hooks/} of a bare one, or
	 * {@code .git/hooks/} of a work tree.
	 * @param repository the repository directory
	 * @return the hooks directory (it may not exist yet)
	 * @throws CliUsageException if the directory is not a git repository
	 */
	public static Path hooksDirectory(Path repository) {
		if (Files.isRegularFile(repository.resolve("HEAD")) && Files.isDirectory(repository.resolve("objects"))) {
			return repository.resolve("hooks");
		}
		Path dotGit = repository.resolve(".git");
		if (Files.isRegularFile(dotGit.resolve("HEAD")) && Files.isDirectory(dotGit.resolve("objects"))) {
			return dotGit.resolve("hooks");
		}
		throw new CliUsageException(repository + " is not a git repository (no HEAD and objects/ in it or in .git/)");
	}

	/**
	 * Whether a hook is already there that we did not write.
	 * @param hook the hook file
	 * @return whether writing would replace someone else's hook
	 */
	public static boolean isForeign(Path hook) {
		if (!Files.exists(hook)) {
			return false;
		}
		try {
			return !Files.readString(hook, StandardCharsets.UTF_8).contains(MARKER);
		}
		catch (IOException ex) {
			return true;
		}
	}

	/**
	 * Writes the hook atomically, executable by its owner only.
	 * @param hook the hook file ({@code .../hooks/post-receive})
	 * @param url the absolute hook URL
	 * @param secret the hook's secret
	 */
	public static void write(Path hook, String url, String secret) {
		Path directory = hook.getParent();
		try {
			Files.createDirectories(directory);
			Path temp = Files.createTempFile(directory, ".post-receive", ".tmp",
					PosixFilePermissions.asFileAttribute(OWNER_ONLY));
			try {
				Files.writeString(temp, script(url, secret), StandardCharsets.UTF_8);
				Files.setPosixFilePermissions(temp, OWNER_ONLY);
				Files.move(temp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temp);
			}
		}
		catch (IOException ex) {
			throw new CliException(
					"cannot write " + hook + ": " + ex.getClass().getSimpleName() + " " + ex.getMessage());
		}
	}

	/**
	 * The script. The URL and secret are single-quoted shell literals; refs and the
	 * repository path are escaped for JSON strings.
	 * @param url the hook URL
	 * @param secret the secret
	 * @return the script text
	 */
	static String script(String url, String secret) {
		return """
				#!/bin/sh
				%s (written by 'pyapp hooks install-git').
				# Tells PyApp Server about every pushed ref: POSTs {"ref", "before", "after",
				# "repository"} signed with HMAC-SHA256. It holds the hook's secret: keep it 0700.
				url=%s
				secret=%s
				repository=$(cd "${GIT_DIR:-.}" && pwd -P)

				json_string() {
					printf '%%s' "$1" | tr -d '\\000-\\037' | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g'
				}

				status=0
				while read -r before after ref; do
					# the time of sending is signed too: the server refuses an old delivery replayed
					payload=$(printf '{"ref": "%%s", "before": "%%s", "after": "%%s", "repository": "%%s", "timestamp": %%s}' \\
						"$(json_string "$ref")" "$(json_string "$before")" "$(json_string "$after")" \\
						"$(json_string "$repository")" "$(date +%%s)")
					# the secret goes to python3 through its environment, never on a command line
					# where other local users could read it in the process list
					signature=$(printf '%%s' "$payload" | PYAPP_HOOK_SECRET="$secret" python3 -c \
						'import hashlib, hmac, os, sys; print(hmac.new(os.environ["PYAPP_HOOK_SECRET"].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())')
					# the server's answer, {"status", "message"}, then the HTTP code on a line of
					# its own (000 when it could not be reached); git shows it to the pusher
					answer=$(printf '%%s' "$payload" | curl -sS -m 30 -X POST -w '\\n%%{http_code}' \\
						-H 'Content-Type: application/json' -H "X-Pyapp-Signature: sha256=$signature" \\
						--data-binary @- "$url") || true
					code=$(printf '%%s\\n' "$answer" | tail -n 1)
					message=$(printf '%%s\\n' "$answer" | sed -n 's/.*"message" *: *"\\([^"]*\\)".*/\\1/p' | head -n 1 \\
						| tr -d '\\000-\\037' | cut -c 1-300)
					case $code in
					2??) echo "pyapp: PyApp Server: ${message:-$ref notified}" >&2 ;;
					*)
						echo "pyapp: could not notify PyApp Server of $ref: HTTP $code${message:+: $message}" >&2
						status=1
						;;
					esac
				done
				exit $status
				"""
			.formatted(MARKER, quote(url), quote(secret));
	}

	/** A single-quoted shell literal: nothing in it is expanded. */
	static String quote(String value) {
		return "'" + value.replace("'", "'\\''") + "'";
	}

}
