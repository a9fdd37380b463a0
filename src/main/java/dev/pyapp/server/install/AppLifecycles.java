package dev.pyapp.server.install;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.internal.LifecycleRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The repository of the {@link AppLifecycle} aggregate, and the owner of the progress of
 * the deploy running for each app. The documents live in MongoDB; this server is their
 * only writer, so they are also kept in memory (read once, written through), which lets
 * {@code apps.list} read every app's lifecycle without a query.
 */
@Component
public class AppLifecycles {

	private final LifecycleRepository repository;

	private final ApplicationEventPublisher events;

	private final Map<String, AppLifecycle> known = new ConcurrentHashMap<>();

	private volatile boolean loaded;

	private final Map<String, Running> progress = new ConcurrentHashMap<>();

	AppLifecycles(LifecycleRepository repository, ApplicationEventPublisher events) {
		this.repository = repository;
		this.events = events;
	}

	/**
	 * The app's lifecycle.
	 * @param app the app
	 * @return it; {@link LifecycleState#ABSENT} for an app without one
	 */
	public AppLifecycle get(AppId app) {
		load();
		AppLifecycle lifecycle = this.known.get(app.value());
		return (lifecycle != null) ? lifecycle : AppLifecycle.absent(app);
	}

	/**
	 * Every stored lifecycle.
	 * @return them, by name
	 */
	public List<AppLifecycle> list() {
		load();
		return new TreeMap<>(this.known).values().stream().toList();
	}

	/**
	 * Applies a transition, stores its result and publishes its events.
	 * @param app the app
	 * @param transition the transition, such as {@code AppLifecycle::deployed}
	 * @return its result
	 * @throws dev.pyapp.server.core.PyappException ({@code CONFLICT}) if the app's state
	 * does not allow it; nothing changes then
	 */
	public AppLifecycle.Transition apply(AppId app, Function<AppLifecycle, AppLifecycle.Transition> transition) {
		AppLifecycle.Transition result;
		synchronized (this) {
			result = transition.apply(get(app));
			store(result.lifecycle());
		}
		result.events().forEach(this.events::publishEvent);
		return result;
	}

	/**
	 * Stores a lifecycle read from an older form of the server's state (its marker files)
	 * or found for an app that had none; not a transition.
	 * @param lifecycle the lifecycle
	 */
	public synchronized void adopt(AppLifecycle lifecycle) {
		store(lifecycle);
	}

	/**
	 * Forgets an app's lifecycle and progress, with its records ({@link AppRegistry}).
	 * @param app the app
	 */
	synchronized void forget(AppId app) {
		load();
		this.known.remove(app.value());
		this.repository.deleteById(app.value());
		this.progress.remove(app.value());
	}

	/**
	 * SPEC §9's state of a stored app: {@code installing} or {@code upgrading} while a
	 * deploy runs (from its first moment, before anything of it is stored), then
	 * {@code failed} when its first install was interrupted, then
	 * {@code needs-configuration} while a release waits for settings, then the process's
	 * state.
	 * @param app the app
	 * @param configIncomplete whether the app's stored settings miss required values
	 * @param process the process's state ({@code starting}, {@code running},
	 * {@code stopped}, {@code failed})
	 * @return the state
	 */
	public String state(AppId app, BooleanSupplier configIncomplete, Supplier<String> process) {
		return state(progress(app), get(app), configIncomplete, process);
	}

	/**
	 * SPEC §9's state of a stored app from its parts
	 * ({@link #state(AppId, BooleanSupplier, Supplier)}).
	 * @param running the progress of the deploy running for it, if any
	 * @param lifecycle its lifecycle
	 * @param configIncomplete whether the app's stored settings miss required values
	 * @param process the process's state
	 * @return the state
	 */
	public static String state(AppRegistry.@Nullable Progress running, AppLifecycle lifecycle,
			BooleanSupplier configIncomplete, Supplier<String> process) {
		if (running != null && (running.phase().equals("installing") || running.phase().equals("upgrading"))) {
			return running.phase();
		}
		if (lifecycle.state().deploying()) {
			return lifecycle.state() == LifecycleState.INSTALLING ? "installing" : "upgrading";
		}
		if (lifecycle.state() == LifecycleState.FAILED) {
			// its first install was interrupted: nothing is live to configure or run
			return "failed";
		}
		if (lifecycle.postInstallPending() || configIncomplete.getAsBoolean()) {
			return "needs-configuration";
		}
		return process.get();
	}

	/**
	 * Begins the progress of long work for an app, from its first moment: a first install
	 * is listed ({@link AppRegistry#installing()}) before anything of it is stored.
	 * @param app the app
	 * @param phase {@code installing} or {@code upgrading}
	 * @param version the version being installed, if known
	 * @param source where it comes from
	 * @param message what it is doing, for a person
	 * @return the progress, to close when the work ends
	 */
	public DeployProgress begin(AppId app, String phase, @Nullable String version, @Nullable AppSource source,
			String message) {
		DeployProgress handle = new DeployProgress(this, app, phase);
		this.progress.put(app.value(),
				new Running(handle, new AppRegistry.Progress(phase, "validate", message, version, source)));
		return handle;
	}

	/**
	 * Opens the progress of long work for an app, shown from its first step on.
	 * @param app the app
	 * @param phase {@code installing}, {@code upgrading} or {@code removing}
	 * @return the progress, to close when the work ends
	 */
	public DeployProgress open(AppId app, String phase) {
		return new DeployProgress(this, app, phase);
	}

	/**
	 * @param app the app
	 * @return the progress of the work running for it, or {@code null}
	 */
	public AppRegistry.@Nullable Progress progress(AppId app) {
		Running running = this.progress.get(app.value());
		return (running != null) ? running.progress() : null;
	}

	/**
	 * The first installs under way, by name; whether their apps are stored yet is the
	 * caller's question.
	 * @return their progress
	 */
	Map<String, AppRegistry.Progress> firstInstalls() {
		Map<String, AppRegistry.Progress> installs = new TreeMap<>();
		this.progress.forEach((name, running) -> {
			if (isFirstInstall(running.progress())) {
				installs.put(name, running.progress());
			}
		});
		return installs;
	}

	static boolean isFirstInstall(AppRegistry.Progress progress) {
		return progress.phase().equals("installing") && progress.source() != null;
	}

	void step(DeployProgress handle, String step, String message) {
		this.progress.compute(handle.app().value(), (name, known) -> {
			AppRegistry.Progress before = (known != null) ? known.progress() : null;
			return new Running(handle, new AppRegistry.Progress(handle.phase(), step, message,
					(before != null) ? before.version() : null, (before != null) ? before.source() : null));
		});
	}

	void close(DeployProgress handle) {
		this.progress.computeIfPresent(handle.app().value(),
				(name, running) -> (running.handle() == handle) ? null : running);
	}

	private void store(AppLifecycle lifecycle) {
		load();
		if (lifecycle.state() == LifecycleState.ABSENT) {
			this.repository.deleteById(lifecycle.name());
			this.known.remove(lifecycle.name());
		}
		else {
			this.repository.save(lifecycle);
			this.known.put(lifecycle.name(), lifecycle);
		}
	}

	private void load() {
		if (this.loaded) {
			return;
		}
		synchronized (this.known) {
			if (!this.loaded) {
				this.repository.findAll().forEach((lifecycle) -> this.known.put(lifecycle.name(), lifecycle));
				this.loaded = true;
			}
		}
	}

	private record Running(DeployProgress handle, AppRegistry.Progress progress) {
	}

}
