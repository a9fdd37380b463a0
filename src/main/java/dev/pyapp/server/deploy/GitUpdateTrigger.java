package dev.pyapp.server.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.scm.GitMirror;
import dev.pyapp.server.scm.GitSource;
import dev.pyapp.server.scm.GitSources;
import dev.pyapp.server.scm.PostCommitHooks;
import dev.pyapp.server.scm.PushReceived;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What makes a git app look for a new revision: a post-commit hook's push (for a ref the
 * app's strategy follows) and its optional poll interval. With {@code updates.auto:
 * false} a new revision is only recorded as available. The work runs on a few threads of
 * its own, never on the hook's request; one app's work is serialised, and a slow
 * repository holds up only its own app.
 */
@Component
class GitUpdateTrigger implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(GitUpdateTrigger.class);

	private static final int THREADS = 4;

	private final AtomicInteger threads = new AtomicInteger();

	private final ExecutorService worker = Executors.newFixedThreadPool(THREADS, (task) -> {
		Thread thread = new Thread(task, "pyapp-git-updates-" + this.threads.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	});

	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	private final GitDeployer git;

	private final GitSources sources;

	private final PostCommitHooks hooks;

	private final AppRegistry registry;

	private final PackageReader reader;

	private final PyappHome home;

	private final GitAppStates states;

	private final Clock clock = Clock.systemUTC();

	private final AuditLog audit;

	GitUpdateTrigger(GitDeployer git, GitSources sources, PostCommitHooks hooks, AppRegistry registry,
			PackageReader reader, PyappHome home, GitAppStates states, AuditLog audit) {
		this.audit = audit;
		this.git = git;
		this.sources = sources;
		this.hooks = hooks;
		this.registry = registry;
		this.reader = reader;
		this.home = home;
		this.states = states;
	}

	@EventListener
	void on(PushReceived push) {
		InstalledApp installed = this.registry.find(push.app()).orElse(null);
		if (installed == null || !installed.source().isGit()) {
			logger.info("Push to {} for {} ignored: no such git app", push.ref(), push.app());
			return;
		}
		GitSource source = this.git.source(push.app());
		if (!follows(push, source)) {
			this.git.record(push.app(), this.git.availableUpdate(push.app()).orElse(null),
					"push to " + push.ref() + " ignored: " + source.strategy().value() + " does not follow it");
			logger.info("Push to {} for {} ignored: {} does not follow it", push.ref(), push.app(),
					source.strategy().value());
			return;
		}
		submit(push.app(), "push to " + push.ref() + " (delivery " + push.delivery() + ")",
				"webhook:" + push.provider(), Map.of("name", push.app().value(), "ref", push.ref(), "delivery",
						push.delivery(), "hook", push.hookId()));
	}

	private boolean follows(PushReceived push, GitSource source) {
		try {
			return this.sources.follows(push.app(), source, push.ref());
		}
		catch (RuntimeException ex) {
			// an unreadable mirror is cloned again by the update; let the fetch decide
			logger.warn("Cannot tell whether {} follows {}: {}", push.app(), push.ref(), ex.toString());
			return true;
		}
	}

	@EventListener
	void on(AppRemoved removed) {
		this.hooks.removeAll(removed.app());
		this.sources.delete(new GitMirror(removed.app().value()));
		this.states.deleteById(removed.app().value());
	}

	/**
	 * Starts a look at every app whose poll interval has passed since its last check;
	 * runs every {@code pyapp.scm.poll-check} (10 s), so an app is looked at up to that
	 * much after its interval.
	 */
	@Scheduled(fixedDelayString = "${pyapp.scm.poll-check:10s}", initialDelayString = "${pyapp.scm.poll-check:10s}")
	void poll() {
		Instant now = this.clock.instant();
		for (GitAppState state : this.states.findAll()) {
			if (state.pollSeconds() != null && (state.lastChecked() == null
					|| !state.lastChecked().plusSeconds(state.pollSeconds()).isAfter(now))) {
				submit(AppId.of(state.name()), "poll");
			}
		}
	}

	/**
	 * Queues a look at an app's repository, once: a push arriving while one is queued is
	 * covered by it.
	 */
	void submit(AppId app, String trigger) {
		submit(app, trigger, null, Map.of());
	}

	/**
	 * Queues a look at an app's repository; a webhook's push is recorded in the audit log
	 * as {@code apps.update} by {@code webhook:<provider>} with its outcome.
	 * @param principal who triggered it for the audit log, or {@code null} not to record
	 * @param params what the audit record shows
	 */
	void submit(AppId app, String trigger, @Nullable String principal, Map<String, Object> params) {
		if (!this.queued.add(app.value())) {
			return;
		}
		this.worker.execute(() -> {
			this.queued.remove(app.value());
			Instant started = this.clock.instant();
			try {
				if (autoUpdates(app)) {
					GitUpdate update = this.git.update(app);
					logger.info("{} after {}: {}", app, trigger, update.message());
					audit(principal, "apps.update", params, started, null);
				}
				else {
					this.git.check(app)
						.ifPresent((available) -> logger.info("{} after {}: update available ({} at {})", app, trigger,
								available.ref(), available.commit()));
					audit(principal, "apps.update.check", params, started, null);
				}
			}
			catch (PyappException ex) {
				logger.warn("{} after {}: {} {}", app, trigger, ex.getMessage(), ex.getProblems());
				recordFailure(app, trigger, ex.getMessage());
				audit(principal, "apps.update", params, started, ex);
			}
			catch (RuntimeException ex) {
				logger.error("{} after {} failed", app, trigger, ex);
				recordFailure(app, trigger, ex.toString());
				audit(principal, "apps.update", params, started, ex);
			}
		});
	}

	private void audit(@Nullable String principal, String method, Map<String, Object> params, Instant started,
			@Nullable RuntimeException failure) {
		if (principal == null) {
			return;
		}
		Duration took = Duration.between(started, this.clock.instant());
		if (failure == null) {
			this.audit.record(AuditEntry.ok(started, principal, null, null, method, params, took));
		}
		else {
			int code = (failure instanceof PyappException ex) ? ex.getKind().code() : -32603;
			this.audit.record(AuditEntry.failed(started, principal, null, null, method, params, code,
					String.valueOf(failure.getMessage()), took));
		}
	}

	private void recordFailure(AppId app, String trigger, String message) {
		if (this.registry.find(app).isPresent()) {
			this.git.record(app, this.git.availableUpdate(app).orElse(null), trigger + " failed: " + message);
		}
	}

	// updates.auto of the live release's metadata.yaml; true when it cannot be read
	private boolean autoUpdates(AppId app) {
		try {
			return this.reader.readManifest(this.home.app(app).current()).updates().auto();
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		this.worker.shutdownNow();
		this.worker.awaitTermination(10, TimeUnit.SECONDS);
	}

}
