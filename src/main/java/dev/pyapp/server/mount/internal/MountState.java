package dev.pyapp.server.mount.internal;

import java.util.List;

import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The virtual servers and mounts as one document: {@code staged} (what the API changed)
 * and {@code applied} (what the web server runs).
 *
 * @param id {@code staged} or {@code applied}
 * @param servers the virtual servers, in the order they were added
 * @param mounts the mounts, in the order they were added
 */
@Document("webserver")
public record MountState(@Id String id, List<VirtualServer> servers, List<Mount> mounts) {

	static final String STAGED = "staged";

	static final String APPLIED = "applied";

	public MountState {
		servers = (servers != null) ? List.copyOf(servers) : List.of();
		mounts = (mounts != null) ? List.copyOf(mounts) : List.of();
	}

	static MountState empty(String id) {
		return new MountState(id, List.of(), List.of());
	}

	MountState withServers(List<VirtualServer> servers) {
		return new MountState(this.id, servers, this.mounts);
	}

	MountState withMounts(List<Mount> mounts) {
		return new MountState(this.id, this.servers, mounts);
	}

	MountState as(String id) {
		return new MountState(id, this.servers, this.mounts);
	}

}
