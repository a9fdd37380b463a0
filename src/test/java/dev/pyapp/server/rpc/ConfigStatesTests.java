package dev.pyapp.server.rpc;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigStatus;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.ReleaseActivated;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * An app's configuration state is read from its files once, and again only after the
 * server changed them or, at the next background check, after one of them changed on
 * disk.
 */
class ConfigStatesTests {

	private static final AppId BLOG = AppId.of("blog");

	private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

	@TempDir
	Path dir;

	private final AppConfigurator configurator = mock(AppConfigurator.class);

	private final AppDeployer deployer = mock(AppDeployer.class);

	private long now = T0.plusSeconds(3600).toEpochMilli();

	private ConfigStates states;

	private Path root;

	@BeforeEach
	void app() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		this.states = new ConfigStates(home, this.configurator, this.deployer, () -> this.now, false);
		this.root = home.app(BLOG).root();
		Files.createDirectories(this.root.resolve("releases/1.0-x"));
		Files.createDirectories(this.root.resolve("config"));
		Files.writeString(this.root.resolve("config/config.yaml"), "site:\n  title: Blog\n");
		Files.createSymbolicLink(this.root.resolve("current"), Path.of("releases/1.0-x"));
		for (String path : List.of("config/config.yaml", "config", "releases", "")) {
			Files.setLastModifiedTime(this.root.resolve(path), FileTime.from(T0));
		}
		given(this.configurator.status(BLOG)).willReturn(status(true));
	}

	@Test
	void readsTheFilesOnceWhileNothingChanges() {
		assertThat(this.states.of(BLOG).needsConfiguration()).isFalse();
		assertThat(this.states.of(BLOG).config()).contains(status(true));
		verify(this.configurator, times(1)).status(BLOG);
		// the app's lifecycle, held in memory, is asked each time: no file records it
		verify(this.deployer, times(2)).awaitsFirstConfiguration(BLOG);
	}

	@Test
	void readsThemAgainAfterTheValuesWereEditedInPlace() throws Exception {
		this.states.of(BLOG);
		given(this.configurator.status(BLOG)).willReturn(status(false));
		Files.setLastModifiedTime(this.root.resolve("config/config.yaml"), FileTime.from(T0.plusSeconds(60)));
		// by hand: no call looks at the files, the background check does
		assertThat(this.states.of(BLOG).needsConfiguration()).isFalse();
		this.states.recheck();
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void readsThemAgainOnTheCallAfterTheServerWroteTheConfiguration() {
		this.states.of(BLOG);
		given(this.configurator.status(BLOG)).willReturn(status(false));
		given(this.configurator.revision(BLOG)).willReturn(1L);
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void readsThemAgainOnTheCallAfterAReleaseWasMadeLive() {
		this.states.of(BLOG);
		given(this.configurator.status(BLOG)).willReturn(status(false));
		this.states.on(new ReleaseActivated(BLOG, "1.1-x", true));
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void readsThemAgainAfterTheAppWasRemoved() {
		this.states.of(BLOG);
		this.states.on(new AppRemoved(BLOG, false));
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void keepsTheStateWhenTheBackgroundCheckFindsNoChange() {
		this.states.of(BLOG);
		this.states.recheck();
		this.states.of(BLOG);
		verify(this.configurator, times(1)).status(BLOG);
	}

	@Test
	void readsThemAgainAfterAFileOfTheConfigDirectoryWasReplacedOrCreated() throws Exception {
		this.states.of(BLOG);
		given(this.deployer.awaitsFirstConfiguration(BLOG)).willReturn(true);
		Files.setLastModifiedTime(this.root.resolve("config"), FileTime.from(T0.plusSeconds(60)));
		this.states.recheck();
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
	}

	@Test
	void readsThemAgainAfterAMissingConfigFileAppearedAndAfterItWasEditedInPlace() throws Exception {
		this.states.of(BLOG);
		// config.ini was missing: it is looked at again once config/ changed
		Path ini = Files.writeString(this.root.resolve("config/config.ini"), "[site]\ntitle = Blog\n");
		Files.setLastModifiedTime(ini, FileTime.from(T0.plusSeconds(60)));
		Files.setLastModifiedTime(this.root.resolve("config"), FileTime.from(T0.plusSeconds(60)));
		this.states.recheck();
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
		this.states.recheck();
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
		Files.setLastModifiedTime(ini, FileTime.from(T0.plusSeconds(120)));
		this.states.recheck();
		this.states.of(BLOG);
		verify(this.configurator, times(3)).status(BLOG);
	}

	@Test // the background check looks at a tenth of the apps at a time
	void aPartOfTheBackgroundCheckLooksOnlyAtTheAppsOfThatPart() throws Exception {
		this.states.of(BLOG);
		Files.setLastModifiedTime(this.root, FileTime.from(T0.plusSeconds(60)));
		int part = Math.floorMod(BLOG.value().hashCode(), ConfigStates.SLICES);
		this.states.recheck((part + 1) % ConfigStates.SLICES);
		this.states.of(BLOG);
		verify(this.configurator, times(1)).status(BLOG);
		this.states.recheck(part);
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void readsThemAgainAfterTheLiveReleaseSwitched() throws Exception {
		this.states.of(BLOG);
		Files.setLastModifiedTime(this.root, FileTime.from(T0.plusSeconds(60)));
		this.states.recheck();
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
	}

	@Test
	void neverKeepsAStateWhoseFilesChangedWithinTheLastTwoSeconds() {
		this.now = T0.toEpochMilli() + 1500;
		this.states.of(BLOG);
		this.states.of(BLOG);
		verify(this.configurator, times(2)).status(BLOG);
		this.now = T0.toEpochMilli() + ConfigStates.SETTLED_MILLIS + 1;
		this.states.of(BLOG);
		this.states.of(BLOG);
		verify(this.configurator, times(3)).status(BLOG);
	}

	@Test
	void anAppWhoseSpecCannotBeReadHasNoConfigAndIsNotWaitingForIt() {
		given(this.configurator.status(BLOG)).willThrow(PyappException.notFound("app 'blog' is not installed"));
		ConfigStates.State state = this.states.of(BLOG);
		assertThat(state.needsConfiguration()).isFalse();
		assertThat(state.config()).isEmpty();
	}

	@Test
	void aFirstReleaseWaitingForValuesNeedsConfigurationWhateverItsSpec() {
		given(this.deployer.awaitsFirstConfiguration(BLOG)).willReturn(true);
		given(this.configurator.status(BLOG))
			.willThrow(new UncheckedIOException("Cannot read", new java.io.IOException()));
		assertThat(this.states.of(BLOG).needsConfiguration()).isTrue();
	}

	@Test
	void anUnexpectedFailureIsThrownAndNeverKept() {
		given(this.configurator.status(BLOG))
			.willThrow(new UncheckedIOException("Cannot read", new java.io.IOException()));
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.states.of(BLOG).config());
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.states.of(BLOG).needsConfiguration());
		verify(this.configurator, times(2)).status(BLOG);
	}

	private ConfigStatus status(boolean complete) {
		return new ConfigStatus(complete, complete ? List.of() : List.of("site.title"),
				this.root.resolve("config/config.yaml"), T0);
	}

}
