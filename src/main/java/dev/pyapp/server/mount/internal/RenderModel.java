package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.runtime.WireProtocol;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a renderer writes: the virtual servers in configuration order (per listen address,
 * the default one first), each with its locations longest prefix first, and the backends
 * they proxy to. Every string in it has passed {@link MountValidator}.
 *
 * @param sites the virtual servers
 * @param backends the apps' backends, one per app, by app name
 */
public record RenderModel(List<Site> sites, List<Backend> backends) {

	private static final Logger logger = LoggerFactory.getLogger(RenderModel.class);

	/**
	 * Resolves servers and mounts with the apps' targets. Mounts of apps that are not
	 * installed are left out.
	 * @param servers the virtual servers
	 * @param mounts the mounts
	 * @param targets where apps are
	 * @return the model
	 */
	public static RenderModel of(List<VirtualServer> servers, List<Mount> mounts, MountTargets targets) {
		Map<String, Backend> backends = new LinkedHashMap<>();
		Map<String, List<VirtualServer>> byListen = new LinkedHashMap<>();
		for (VirtualServer server : servers) {
			byListen.computeIfAbsent(server.listen(), (listen) -> new ArrayList<>()).add(server);
		}
		List<Site> sites = new ArrayList<>();
		for (List<VirtualServer> group : byListen.values()) {
			VirtualServer fallback = group.stream()
				.filter(VirtualServer::defaultServer)
				.findFirst()
				.orElse(group.get(0));
			List<VirtualServer> ordered = new ArrayList<>();
			ordered.add(fallback);
			group.stream().filter((server) -> server != fallback).forEach(ordered::add);
			for (VirtualServer server : ordered) {
				List<Location> locations = new ArrayList<>();
				for (Mount mount : mounts) {
					if (mount.server().equals(server.name())) {
						locations.addAll(locations(mount, targets, backends));
					}
				}
				locations.sort(Comparator.comparing((Location location) -> location.prefix().length())
					.reversed()
					.thenComparing(Location::prefix));
				sites.add(new Site(server, server == fallback, List.copyOf(locations)));
			}
		}
		return new RenderModel(List.copyOf(sites), List.copyOf(backends.values()));
	}

	private static List<Location> locations(Mount mount, MountTargets targets, Map<String, Backend> backends) {
		if (mount.folder() != null) {
			return List.of(new Location(mount.path(), null, MountValidator.safeFile("folder", Path.of(mount.folder())),
					List.of(), true));
		}
		AppId app = AppId.of(mount.app());
		Optional<MountTarget> target = targets.target(app);
		if (target.isEmpty()) {
			logger.info("App {} mounted at {} of {} is not installed; the mount is left out", app, mount.path(),
					mount.server());
			return List.of();
		}
		Backend backend = backends.computeIfAbsent(app.value(), (name) -> Backend.of(name, target.get()));
		List<Location> locations = new ArrayList<>();
		locations.add(new Location(mount.path(), backend, null, List.of(), false));
		for (MountTarget.StaticDirectory statics : target.get().statics()) {
			String url = MountValidator.normalizePath(statics.url());
			if (!MountValidator.isSafeUrlPath(url)) {
				logger.warn("Static url {} of {} is not a safe path; it is not served", url, app);
				continue;
			}
			String prefix = mount.path().equals("/") ? url : mount.path() + url;
			locations.add(new Location(prefix, null, MountValidator.safeFile("static", statics.directory()),
					MountValidator.excludeRegexes(prefix, statics.exclude()), false));
		}
		return locations;
	}

	/**
	 * Whether any location proxies to a backend that speaks the uwsgi protocol (the web
	 * server then needs its uwsgi module).
	 * @return whether one does
	 */
	boolean hasUwsgi() {
		return this.backends.stream().anyMatch(Backend::uwsgi);
	}

	/**
	 * The distinct path prefixes (not {@code /}) of locations proxied over the uwsgi
	 * protocol, sorted: nginx derives each one's PATH_INFO with a {@code map}.
	 * @return the prefixes
	 */
	List<String> uwsgiPrefixes() {
		return this.sites.stream()
			.flatMap((site) -> site.locations().stream())
			.filter((location) -> location.backend() != null && location.backend().uwsgi() && !location.root())
			.map(Location::prefix)
			.distinct()
			.sorted()
			.toList();
	}

	boolean hasTls() {
		return this.sites.stream().anyMatch((site) -> site.server().tls() != null);
	}

	/**
	 * The distinct listen addresses, in order, each with whether it serves TLS.
	 * @return listen address to TLS
	 */
	Map<String, Boolean> listens() {
		Map<String, Boolean> listens = new LinkedHashMap<>();
		for (Site site : this.sites) {
			listens.putIfAbsent(site.server().listen(), site.server().tls() != null);
		}
		return listens;
	}

	/**
	 * One virtual server.
	 *
	 * @param server the server
	 * @param fallback whether it answers for unknown host names on its listen address
	 * @param locations its locations, longest prefix first
	 */
	record Site(VirtualServer server, boolean fallback, List<Location> locations) {
	}

	/**
	 * A path prefix that is proxied to an app or served from a directory.
	 *
	 * @param prefix {@code /} or {@code /a/b} (no trailing slash)
	 * @param backend the app, or {@code null}
	 * @param directory the directory served, or {@code null}
	 * @param denied regular expressions of request paths below a directory that must not
	 * be served (answered 404, or 403 where the web server can only deny)
	 * @param folder whether the directory is an operator's folder (a folder mount), not
	 * an app's static directory: symlinks below it are followed where their owner owns
	 * what they lead to (nginx, Apache), where those below an app's are never followed
	 */
	record Location(String prefix, @Nullable Backend backend, @Nullable String directory, List<String> denied,
			boolean folder) {

		boolean root() {
			return this.prefix.equals("/");
		}

	}

	/**
	 * An app's backend.
	 *
	 * @param app the app's name
	 * @param socket the unix socket path, or {@code null}
	 * @param port the port on 127.0.0.1 when there is no socket
	 * @param protocol what it speaks
	 */
	record Backend(String app, @Nullable String socket, int port, WireProtocol protocol) {

		static Backend of(String app, MountTarget target) {
			return (target.socket() != null)
					? new Backend(app, MountValidator.safeFile("socket", target.socket()), 0, target.protocol())
					: new Backend(app, null, target.port(), target.protocol());
		}

		/** Whether the web server speaks the uwsgi protocol to it. */
		boolean uwsgi() {
			return this.protocol == WireProtocol.UWSGI;
		}

		/** The name of the backend in configurations ({@code pyapp_<app>}). */
		String id() {
			return "pyapp_" + this.app.replace('-', '_');
		}

	}

}
