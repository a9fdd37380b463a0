package dev.pyapp.server.deploy.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * One deploy (install, upgrade, rollback, removal, continuation after a
 * {@code config.set}) per app at a time. The lock is held for the whole deploy; it guards
 * the order of the steps, while the app's lifecycle guards its state.
 */
@Component
public class DeployLocks {

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	/**
	 * @param app the app
	 * @return the app's lock, held by the caller
	 * @throws PyappException ({@code CONFLICT}) if a deploy of the app runs
	 */
	public ReentrantLock lock(AppId app) {
		ReentrantLock lock = tryLock(app);
		if (lock == null) {
			throw PyappException.conflict("app '" + app + "' is being deployed already; try again when it is done");
		}
		return lock;
	}

	/**
	 * @param app the app
	 * @return the app's lock, held by the caller, or {@code null} if a deploy of it runs
	 */
	public @Nullable ReentrantLock tryLock(AppId app) {
		ReentrantLock lock = this.locks.computeIfAbsent(app.value(), (name) -> new ReentrantLock());
		return lock.tryLock() ? lock : null;
	}

}
