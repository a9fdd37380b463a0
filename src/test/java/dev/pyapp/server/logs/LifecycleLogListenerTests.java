package dev.pyapp.server.logs;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.LifecycleChanged;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.logs.internal.LifecycleLogListener;
import dev.pyapp.server.logs.internal.LogStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The moves of an app's deploy lifecycle, recorded under the app.
 */
class LifecycleLogListenerTests {

	@TempDir
	Path dir;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private LifecycleLogListener listener;

	@BeforeEach
	void start() {
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		this.listener = new LifecycleLogListener(collector);
	}

	@Test
	void recordsThatAReleaseWaitsForItsSettings() {
		this.listener.on(new LifecycleChanged(new AppId("guestbook"), LifecycleState.INSTALLING,
				LifecycleState.AWAITING_CONFIGURATION, "1.0-x"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.app()).isEqualTo("guestbook");
			assertThat(record.release()).isEqualTo("1.0-x");
			assertThat(record.level()).isEqualTo(LogLevel.INFO);
			assertThat(record.logger()).isEqualTo("pyapp.lifecycle");
			assertThat(record.message()).isEqualTo("installing -> awaiting-configuration: "
					+ "the release waits for its required settings before it starts");
		});
	}

	@Test
	void recordsTheEndOfADeploy() {
		this.listener.on(new LifecycleChanged(new AppId("guestbook"), LifecycleState.UPGRADING, LifecycleState.DEPLOYED,
				"2.0-y"));

		assertThat(this.records).singleElement()
			.satisfies((record) -> assertThat(record.message()).isEqualTo("upgrading -> deployed"));
	}

	@Test
	void recordsAnInterruptedFirstInstallAsAnError() {
		this.listener.on(new LifecycleChanged(new AppId("guestbook"), LifecycleState.INSTALLING, LifecycleState.FAILED,
				"1.0-x"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.level()).isEqualTo(LogLevel.ERROR);
			assertThat(record.release()).isEqualTo("1.0-x");
			assertThat(record.message()).isEqualTo("installing -> failed: its first install was interrupted by a stop"
					+ " of the server; install it again or remove it");
		});
	}

	@Test
	void recordsNothingForARemovalWhoseRecordsGoWithTheApp() {
		this.listener
			.on(new LifecycleChanged(new AppId("guestbook"), LifecycleState.DEPLOYED, LifecycleState.ABSENT, null));

		assertThat(this.records).isEmpty();
	}

}
