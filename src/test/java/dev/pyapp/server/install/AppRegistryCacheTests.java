package dev.pyapp.server.install;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.internal.AppRepository;
import dev.pyapp.server.install.internal.ReleaseRepository;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The registry's in-memory copy of the apps and their live releases: read from the store
 * once, kept equal to what each write stored.
 */
class AppRegistryCacheTests {

	private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

	private final AppRepository apps = mock(AppRepository.class);

	private final ReleaseRepository releases = mock(ReleaseRepository.class);

	private final AppRegistry registry = new AppRegistry(this.apps, this.releases,
			new InMemoryLifecycles(mock(ApplicationEventPublisher.class)).restarted());

	AppRegistryCacheTests() {
		given(this.apps.save(any())).willAnswer((call) -> call.getArgument(0));
		given(this.releases.save(any())).willAnswer((call) -> call.getArgument(0));
	}

	@Test
	void listsFromTheStoreOnceAndThenFromMemory() {
		Release live = release("blog", "1.0-a");
		given(this.apps.findAll()).willReturn(List.of(app("wiki", null), app("blog", "1.0-a")));
		given(this.releases.findAllById(List.of(live.id()))).willReturn(List.of(live));

		for (int i = 0; i < 3; i++) {
			AppRegistry.Listing listing = this.registry.listing();
			assertThat(listing.apps()).extracting(InstalledApp::name).containsExactly("blog", "wiki");
			assertThat(listing.liveRelease(listing.apps().get(0))).contains(live);
		}
		assertThat(this.registry.find(new AppId("wiki"))).isPresent();
		assertThat(this.registry.currentRelease(new AppId("blog"))).contains(live);
		verify(this.apps, times(1)).findAll();
		verify(this.apps, never()).findById(any());
		verify(this.releases, times(1)).findAllById(any());
	}

	@Test
	void showsWhatEachWriteStored() {
		given(this.apps.findAll()).willReturn(List.of());
		AppId blog = new AppId("blog");
		assertThat(this.registry.listing().apps()).isEmpty();

		// an install: the release is stored, then the app pointing at it
		Release first = this.registry.save(release("blog", "1.0-a"));
		given(this.releases.findById(first.id())).willReturn(Optional.of(first));
		this.registry.save(app("blog", "1.0-a"));
		assertThat(this.registry.currentRelease(blog)).contains(first);

		// the live release changes state: the listing has the new one
		Release retired = this.registry.save(first.withState(ReleaseState.RETIRED, null));
		assertThat(this.registry.listing().liveRelease(this.registry.get(blog))).contains(retired);

		// an upgrade switches to a release stored before
		Release second = release("blog", "2.0-b");
		given(this.releases.findById(second.id())).willReturn(Optional.of(second));
		this.registry.save(this.registry.get(blog).withCurrentRelease("2.0-b", NOW));
		assertThat(this.registry.currentRelease(blog)).contains(second);

		// the old release goes; the live one stays
		this.registry.deleteRelease(retired);
		assertThat(this.registry.currentRelease(blog)).contains(second);
		this.registry.deleteRelease(second);
		assertThat(this.registry.currentRelease(blog)).isEmpty();

		this.registry.delete(blog);
		assertThat(this.registry.find(blog)).isEmpty();
		assertThat(this.registry.listing().apps()).isEmpty();
		verify(this.apps, times(1)).findAll();
	}

	@Test
	void readsAnAppsReleasesOnceAndKeepsThemEqualToWhatWasStored() {
		given(this.apps.findAll()).willReturn(List.of(app("blog", "1.0-a")));
		Release first = release("blog", "1.0-a");
		given(this.releases.findByIdMatching("^blog/")).willReturn(List.of(first, release("blogger", "9.0-z")));
		AppId blog = new AppId("blog");
		assertThat(this.registry.releases(blog)).containsExactly(first);

		Release second = this.registry.save(new Release(Release.id("blog", "2.0-b"), "blog", "2.0-b", "2.0", "archive",
				"00", null, NOW.plusSeconds(60), ReleaseState.PREPARED, null));
		assertThat(this.registry.releases(blog)).containsExactly(second, first);
		assertThat(this.registry.release(blog, "2.0-b")).contains(second);
		this.registry.deleteRelease(first);
		assertThat(this.registry.releases(blog)).containsExactly(second);
		assertThat(this.registry.release(blog, "1.0-a")).isEmpty();
		verify(this.releases, times(1)).findByIdMatching(any());
		verify(this.releases, never()).findById(any());
	}

	@Test
	void aFailedWriteChangesNothing() {
		given(this.apps.findAll()).willReturn(List.of(app("blog", null)));
		given(this.apps.save(any())).willThrow(new IllegalStateException("the store is down"));
		assertThatIllegalStateException()
			.isThrownBy(() -> this.registry.save(app("blog", "1.0-a").withEnv(Map.of("A", "1"), NOW)))
			.withMessage("the store is down");
		assertThat(this.registry.get(new AppId("blog")).env()).isEmpty();
		assertThat(this.registry.get(new AppId("blog")).currentRelease()).isNull();
	}

	private static InstalledApp app(String name, @Nullable String live) {
		return new InstalledApp(name, AppSource.archive(), live, Map.of(), NOW, NOW);
	}

	private static Release release(String app, String releaseId) {
		return new Release(Release.id(app, releaseId), app, releaseId, releaseId.substring(0, 3), "archive", "00", null,
				NOW, ReleaseState.LIVE, null);
	}

}
