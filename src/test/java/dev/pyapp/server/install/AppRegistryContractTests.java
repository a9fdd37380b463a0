package dev.pyapp.server.install;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the app registry must do on every MongoDB it runs on: the embedded
 * mongo-java-server and a real MongoDB.
 */
abstract class AppRegistryContractTests {

	private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

	@Autowired
	private AppRegistry registry;

	@AfterEach
	void forget() {
		this.registry.list().forEach((app) -> this.registry.delete(AppId.of(app.name())));
	}

	@Test
	void keepsAnAppWithItsSourceAndEnvironment() {
		this.registry.save(guestbook());
		InstalledApp found = this.registry.get(AppId.of("guestbook"));
		assertThat(found.source()).isEqualTo(AppSource.archive());
		assertThat(found.env()).containsEntry("GREETING", "hello");
		assertThat(found.created()).isEqualTo(T0);
	}

	@Test
	void listsAppsByName() {
		this.registry.save(app("zeta"));
		this.registry.save(app("alpha"));
		assertThat(this.registry.list()).extracting(InstalledApp::name).containsExactly("alpha", "zeta");
	}

	@Test
	void reportsAMissingAppAsNotFound() {
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.registry.get(AppId.of("nope")))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
	}

	@Test
	void listsReleasesNewestFirstAndKnowsTheCurrentOne() {
		this.registry.save(guestbook());
		this.registry.save(release("1.0.0", T0, ReleaseState.RETIRED));
		this.registry.save(release("1.1.0", T0.plus(1, ChronoUnit.HOURS), ReleaseState.LIVE));
		this.registry.save(this.registry.get(AppId.of("guestbook")).withCurrentRelease("1.1.0-x", T0));
		assertThat(this.registry.releases(AppId.of("guestbook"))).extracting(Release::version)
			.containsExactly("1.1.0", "1.0.0");
		assertThat(this.registry.currentRelease(AppId.of("guestbook"))).get()
			.extracting(Release::version)
			.isEqualTo("1.1.0");
	}

	@Test
	void deletingAnAppDeletesItsReleases() {
		this.registry.save(guestbook());
		this.registry.save(release("1.0.0", T0, ReleaseState.LIVE));
		this.registry.delete(AppId.of("guestbook"));
		assertThat(this.registry.find(AppId.of("guestbook"))).isEmpty();
		assertThat(this.registry.releases(AppId.of("guestbook"))).isEmpty();
	}

	@Test
	void listsOneAppsReleasesOnlyNotThoseOfAnAppWhoseNameStartsAlike() {
		this.registry.save(guestbook());
		this.registry.save(app("guestbook-two"));
		this.registry.save(release("1.0.0", T0, ReleaseState.LIVE));
		this.registry.save(new Release(Release.id("guestbook-two", "2.0.0-x"), "guestbook-two", "2.0.0-x", "2.0.0",
				"guestbook-two.pyapp", "abc", null, T0, ReleaseState.LIVE, null));
		assertThat(this.registry.releases(AppId.of("guestbook"))).extracting(Release::version).containsExactly("1.0.0");
		assertThat(this.registry.releases(AppId.of("guestbook-two"))).extracting(Release::version)
			.containsExactly("2.0.0");
	}

	@Test
	void listsEveryAppWithItsLiveReleaseAndTheFirstInstallsNotStoredYet() {
		this.registry.save(guestbook().withCurrentRelease("1.1.0-x", T0));
		this.registry.save(release("1.0.0", T0, ReleaseState.RETIRED));
		this.registry.save(release("1.1.0", T0.plus(1, ChronoUnit.HOURS), ReleaseState.LIVE));
		this.registry.save(app("alpha"));
		try (DeployProgress blog = this.registry.begin(AppId.of("blog"), "installing", "2.0", AppSource.archive(),
				"checking the package");
				// an upgrade of a stored app is not a first install
				DeployProgress alpha = this.registry.begin(AppId.of("alpha"), "installing", "1.0", AppSource.archive(),
						"checking the package")) {
			AppRegistry.Listing listing = this.registry.listing();
			assertThat(listing.apps()).extracting(InstalledApp::name).containsExactly("alpha", "guestbook");
			assertThat(listing.liveRelease(listing.apps().get(0))).isEmpty();
			assertThat(listing.liveRelease(listing.apps().get(1))).get()
				.extracting(Release::version)
				.isEqualTo("1.1.0");
			assertThat(listing.installing()).containsOnlyKeys("blog");
			assertThat(this.registry.installing()).containsOnlyKeys("blog");
			assertThat(this.registry.installing(AppId.of("blog"))).get()
				.extracting(AppRegistry.Progress::version)
				.isEqualTo("2.0");
			assertThat(this.registry.installing(AppId.of("alpha"))).isEmpty();
		}
		assertThat(this.registry.installing()).isEmpty();
	}

	// apps.env.set {merge}: changes made at once each apply to what the
	// other stored
	@Test
	void updatesAppliedAtOnceAllHold() throws Exception {
		this.registry.save(guestbook());
		ExecutorService operators = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> updates = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				String name = "V" + i;
				updates.add(operators.submit(() -> this.registry.update(AppId.of("guestbook"), (stored) -> {
					Map<String, String> env = new HashMap<>(stored.env());
					env.put(name, "x");
					return stored.withEnv(env, T0);
				})));
			}
			for (Future<?> update : updates) {
				update.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			operators.shutdownNow();
		}
		assertThat(this.registry.get(AppId.of("guestbook")).env()).hasSize(41).containsEntry("GREETING", "hello");
		InstalledApp before = this.registry.get(AppId.of("guestbook"));
		assertThat(this.registry.update(AppId.of("guestbook"), (stored) -> stored)).isSameAs(before);
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.registry.update(AppId.of("nope"), (stored) -> stored))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
	}

	private static InstalledApp guestbook() {
		return new InstalledApp("guestbook", AppSource.archive(), null, Map.of("GREETING", "hello"), T0, T0);
	}

	private static InstalledApp app(String name) {
		return new InstalledApp(name, AppSource.archive(), null, Map.of(), T0, T0);
	}

	private static Release release(String version, Instant created, ReleaseState state) {
		String releaseId = version + "-x";
		return new Release(Release.id("guestbook", releaseId), "guestbook", releaseId, version, "guestbook.pyapp",
				"abc", null, created, state, null);
	}

}
