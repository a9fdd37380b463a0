package dev.pyapp.server.mount;

import java.util.List;

/**
 * What {@link MountManager#apply()} would change: the staged virtual servers and mounts
 * against the applied ones, and the rendered configuration against the live file.
 *
 * @param pending whether applying would change the web server's configuration
 * @param changes the staged changes in words ({@code server uitest added}), in the order
 * servers then mounts
 * @param diff a unified diff of the live configuration file ({@code ---}) against the one
 * the staged state renders ({@code +++}); empty when nothing is pending
 */
public record PendingChanges(boolean pending, List<String> changes, String diff) {

	public PendingChanges {
		changes = List.copyOf(changes);
	}

}
