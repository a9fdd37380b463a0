package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.SystemAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The system user of each app ({@link AccountNames}): created on first need, recorded in
 * MongoDB with its ids and adopted again after a restart (or made again with the same ids
 * when it went missing), deleted with the app.
 */
@Component
class AppAccounts {

	private static final Logger logger = LoggerFactory.getLogger(AppAccounts.class);

	/** The GECOS comment of every account made for an app, followed by its name. */
	static final String COMMENT = "PyApp Server app ";

	private final PyappHome home;

	private final HostIsolation host;

	private final SystemAccounts accounts;

	private final AppIsolationRecords records;

	private final Map<String, AppIdentity> known = new ConcurrentHashMap<>();

	AppAccounts(PyappHome home, HostIsolation host, SystemAccounts accounts, AppIsolationRecords records) {
		this.home = home;
		this.host = host;
		this.accounts = accounts;
		this.records = records;
	}

	/**
	 * The user an app runs as, made when it has none yet.
	 * @param app the app
	 * @return its identity
	 * @throws PyappException ({@code CONFLICT}) when every name the app could have
	 * belongs to another account; ({@code FAILED}) when {@code useradd} fails
	 */
	AppIdentity ensure(AppId app) {
		AppIdentity identity = this.known.get(app.value());
		if (identity != null) {
			return identity;
		}
		synchronized (this) {
			identity = this.known.computeIfAbsent(app.value(), (name) -> resolve(app));
		}
		return identity;
	}

	private AppIdentity resolve(AppId app) {
		Optional<String> unavailable = this.host.usersUnavailable();
		if (unavailable.isPresent()) {
			return new AppIdentity(this.host.serverAccount(), false, unavailable.get());
		}
		Path appHome = this.home.app(app).home();
		AppIsolationRecord record = this.records.findById(app.value())
			.orElse(new AppIsolationRecord(app.value(), null, null, null, null));
		if (record.user() != null) {
			Optional<SystemAccounts.Entry> entry = this.accounts.find(record.user());
			if (entry.isPresent() && entry.get().home().equals(appHome)) {
				return adopt(record, entry.get());
			}
			if (entry.isEmpty()) {
				// restored from a backup, or deleted by hand: made again, with its ids
				// when they are free, so that the app's files stay its own
				Integer uid = (record.uid() != null && this.accounts.find(record.uid()).isEmpty()) ? record.uid()
						: null;
				SystemAccounts.Entry made = this.accounts.create(record.user(), appHome, COMMENT + app, uid);
				logger.warn("The system user {} of app {} was missing; made it again (uid {})", made.name(), app,
						made.uid());
				return adopt(record, made);
			}
		}
		List<String> names = AccountNames.candidates(app, this.home.root());
		for (String name : names) {
			Optional<SystemAccounts.Entry> entry = this.accounts.find(name);
			if (entry.isEmpty()) {
				try {
					return adopt(record, this.accounts.create(name, appHome, COMMENT + app, null));
				}
				catch (PyappException ex) {
					// made meanwhile by another process (a second server on this host,
					// an administrator): the next name unless it is this app's
					entry = this.accounts.find(name);
					if (entry.isEmpty()) {
						throw ex;
					}
				}
			}
			if (entry.get().home().equals(appHome)) {
				return adopt(record, entry.get());
			}
		}
		throw PyappException.conflict("cannot give app '" + app + "' a user of its own: " + String.join(" and ", names)
				+ " belong to other accounts");
	}

	private AppIdentity adopt(AppIsolationRecord record, SystemAccounts.Entry entry) {
		if (!entry.name().equals(record.user()) || !Integer.valueOf(entry.uid()).equals(record.uid())
				|| !Integer.valueOf(entry.gid()).equals(record.gid())) {
			if (record.uid() != null && record.uid() != entry.uid()) {
				logger.warn("The user {} of app {} now has uid {} (was {})", entry.name(), record.app(), entry.uid(),
						record.uid());
			}
			this.records.save(record.withAccount(entry.name(), entry.uid(), entry.gid()));
		}
		return new AppIdentity(entry.account(), true, null);
	}

	/**
	 * Deletes an app's user and forgets it.
	 * @param app the app
	 */
	synchronized void delete(AppId app) {
		this.known.remove(app.value());
		this.records.findById(app.value()).ifPresent((record) -> {
			if (record.user() != null) {
				this.accounts.delete(record.user());
			}
			this.records.save(record.withAccount(null, null, null));
		});
	}

	/**
	 * Forgets what is remembered of an app's user (its record stays).
	 * @param app the app
	 */
	void forget(AppId app) {
		this.known.remove(app.value());
	}

	/**
	 * Deletes the accounts made for apps of a server whose home no longer exists (a
	 * removed test home, an uninstalled server) and that run nothing.
	 * @return the names deleted
	 */
	List<String> sweepOrphans() {
		if (this.host.usersUnavailable().isPresent()) {
			return List.of();
		}
		List<String> deleted = new ArrayList<>();
		for (SystemAccounts.Entry entry : this.accounts.list()) {
			if (!entry.comment().startsWith(COMMENT) || !entry.name().startsWith("pyapp")) {
				continue;
			}
			// <PYAPP_HOME>/apps/<name>/home
			Path appHome = entry.home();
			Path serverHome = (appHome.getNameCount() >= 3) ? appHome.getParent().getParent().getParent() : null;
			if (serverHome == null || Files.exists(serverHome) || running(entry.uid())) {
				continue;
			}
			try {
				this.accounts.delete(entry.name());
				deleted.add(entry.name());
			}
			catch (PyappException ex) {
				logger.warn("Cannot delete the orphaned user {}: {}", entry.name(), ex.getMessage());
			}
		}
		if (!deleted.isEmpty()) {
			logger.info("Deleted {} users of apps whose server home is gone: {}", deleted.size(), deleted);
		}
		return deleted;
	}

	/**
	 * Whether a process runs as a user.
	 * @param uid the user
	 * @return whether one does
	 */
	static boolean running(int uid) {
		try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path proc : procs) {
				try {
					for (String line : Files.readAllLines(proc.resolve("status"))) {
						if (line.startsWith("Uid:")) {
							if (Integer.parseInt(line.split("\\s+")[1]) == uid) {
								return true;
							}
							break;
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// ended meanwhile
				}
			}
		}
		catch (IOException ex) {
			return true;
		}
		return false;
	}

	/**
	 * Accounts of apps whose account is not yet known ({@link Isolation.Account}).
	 * @param app the app
	 * @return its identity if known
	 */
	Optional<AppIdentity> known(AppId app) {
		return Optional.ofNullable(this.known.get(app.value()));
	}

}
