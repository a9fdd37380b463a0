package dev.pyapp.server.mount.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import org.jspecify.annotations.Nullable;

/**
 * The difference between the applied and the staged servers and mounts, in words an
 * operator reads before applying.
 */
final class StagedChanges {

	private StagedChanges() {
	}

	static List<String> describe(MountState applied, MountState staged) {
		List<String> changes = new ArrayList<>();
		for (VirtualServer server : staged.servers()) {
			VirtualServer before = find(applied.servers(), server.name());
			if (before == null) {
				changes.add("server " + server.name() + " added (" + server.listen() + ")");
			}
			else if (!before.equals(server)) {
				changes.add("server " + server.name() + " changed");
			}
		}
		for (VirtualServer server : applied.servers()) {
			if (find(staged.servers(), server.name()) == null) {
				changes.add("server " + server.name() + " removed");
			}
		}
		for (Mount mount : staged.mounts()) {
			Mount before = find(applied.mounts(), mount);
			if (before == null) {
				changes.add("mount " + mount.server() + " " + mount.path() + " added (" + target(mount) + ")");
			}
			else if (!Objects.equals(before, mount)) {
				changes.add("mount " + mount.server() + " " + mount.path() + " now serves " + target(mount));
			}
		}
		for (Mount mount : applied.mounts()) {
			if (find(staged.mounts(), mount) == null) {
				changes.add("mount " + mount.server() + " " + mount.path() + " removed");
			}
		}
		return changes;
	}

	private static String target(Mount mount) {
		return (mount.app() != null) ? "app " + mount.app() : "folder " + mount.folder();
	}

	private static @Nullable VirtualServer find(List<VirtualServer> servers, String name) {
		return servers.stream().filter((server) -> server.name().equals(name)).findFirst().orElse(null);
	}

	private static @Nullable Mount find(List<Mount> mounts, Mount key) {
		return mounts.stream()
			.filter((mount) -> mount.server().equals(key.server()) && mount.path().equals(key.path()))
			.findFirst()
			.orElse(null);
	}

}
