package dev.pyapp.server.rpc;

import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.deploy.DeployProgressed;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Which app and release the deploy running on the calling thread works on: the deploy
 * pipeline reports its steps synchronously on the thread that called it, so a failed
 * {@code apps.install} can name the release that failed (a first install leaves no app
 * behind to ask).
 */
@Component
class DeployWatch {

	private final ThreadLocal<Deploy[]> current = new ThreadLocal<>();

	/**
	 * Runs a deploy and returns its result; on failure, the exception carries what the
	 * deploy reported.
	 * @param work the deploy
	 * @param <T> its result
	 * @return the result
	 * @throws Failed wrapping the deploy's exception, with the app and release it worked
	 * on (both {@code null} when it never reached a step)
	 */
	<T> T watch(Supplier<T> work) {
		Deploy[] slot = new Deploy[1];
		Deploy[] outer = this.current.get();
		this.current.set(slot);
		try {
			return work.get();
		}
		catch (RuntimeException ex) {
			throw new Failed(ex, slot[0]);
		}
		finally {
			if (outer != null) {
				this.current.set(outer);
			}
			else {
				this.current.remove();
			}
		}
	}

	@EventListener
	void on(DeployProgressed event) {
		Deploy[] slot = this.current.get();
		if (slot != null && event.release() != null && (slot[0] == null || !slot[0].matches(event))) {
			slot[0] = new Deploy(event.app(), event.release());
		}
	}

	/**
	 * @param app the app deployed
	 * @param release the release deployed
	 */
	record Deploy(AppId app, String release) {

		boolean matches(DeployProgressed event) {
			return this.app.equals(event.app()) && this.release.equals(event.release());
		}

	}

	/**
	 * A deploy that failed, with the release it worked on last.
	 */
	static final class Failed extends RuntimeException {

		private final transient @Nullable Deploy deploy;

		Failed(RuntimeException cause, @Nullable Deploy deploy) {
			super(cause.getMessage(), cause, false, false);
			this.deploy = deploy;
		}

		RuntimeException failure() {
			return (RuntimeException) getCause();
		}

		@Nullable Deploy deploy() {
			return this.deploy;
		}

	}

}
