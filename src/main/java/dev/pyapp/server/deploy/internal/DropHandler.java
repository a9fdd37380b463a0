package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * What the drop folder does with a complete file. Separate from the watcher so that the
 * watcher can be tested with a fake.
 */
interface DropHandler {

	/**
	 * Describes the live release whose package has this checksum, if any.
	 * @param checksum the SHA-256 of the file, hex
	 * @return such as {@code guestbook 1.4.0 (release 1.4.0-20260101T000000Z)}, or
	 * {@code null}
	 */
	@Nullable String liveReleaseWithChecksum(String checksum);

	/**
	 * Installs the file.
	 * @param file the archive
	 * @param origin the name it was dropped under
	 * @return what was installed or upgraded
	 * @throws dev.pyapp.server.core.PyappException when it is refused or a step fails
	 */
	Installed install(Path file, String origin);

	/**
	 * What an install did.
	 *
	 * @param upgrade whether it upgraded an installed app (else it installed a new one)
	 * @param summary for a person: {@code upgraded guestbook from 1.0.0 to 1.1.0 (release
	 * ...)}
	 */
	record Installed(boolean upgrade, String summary) {
	}

}
