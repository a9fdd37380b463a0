package dev.pyapp.server.logs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.RuntimeLogListener;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppKilled;
import dev.pyapp.server.runtime.AppOutOfMemory;
import dev.pyapp.server.runtime.AppStopped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * What happens to an app's daemon, recorded under the app.
 */
class RuntimeLogListenerTests {

	@TempDir
	Path dir;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private RuntimeLogListener listener;

	@BeforeEach
	void start() {
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		this.listener = new RuntimeLogListener(collector);
	}

	@Test
	void recordsACrashAsAnErrorOfTheApp() {
		this.listener.on(new AppCrashed(new AppId("guestbook"), "3", 1, 2, false,
				"gunicorn exited with code 1: ModuleNotFoundError: No module named 'flask'"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.app()).isEqualTo("guestbook");
			assertThat(record.release()).isEqualTo("3");
			assertThat(record.level()).isEqualTo(LogLevel.ERROR);
			assertThat(record.logger()).isEqualTo("pyapp.runtime");
			assertThat(record.message()).isEqualTo("the daemon crashed: gunicorn exited with code 1: "
					+ "ModuleNotFoundError: No module named 'flask'; it is restarted after the crash backoff (crash 2)");
		});
	}

	@Test
	void recordsTheCrashThatMarksTheAppFailedAsCritical() {
		this.listener.on(new AppCrashed(new AppId("guestbook"), "3", 1, 5, true,
				"gunicorn exited with code 1 (crashed 5 times within PT5M)"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.level()).isEqualTo(LogLevel.CRITICAL);
			assertThat(record.message()).isEqualTo("the daemon crashed too often and is not restarted (state failed): "
					+ "gunicorn exited with code 1 (crashed 5 times within PT5M)");
		});
	}

	@Test
	void recordsAStopOnRequestAsInfo() {
		this.listener.on(new AppStopped(new AppId("guestbook"), "3"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.level()).isEqualTo(LogLevel.INFO);
			assertThat(record.logger()).isEqualTo("pyapp.runtime");
			assertThat(record.message()).isEqualTo("the daemon was stopped on request");
		});
	}

	@Test
	void recordsADaemonKilledAtItsStopAsAWarningThatRequestsWereCutOff() {
		this.listener.on(new AppKilled(new AppId("guestbook"), "3", 4242, "TERM", Duration.ofSeconds(20)));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.release()).isEqualTo("3");
			assertThat(record.level()).isEqualTo(LogLevel.WARNING);
			assertThat(record.logger()).isEqualTo("pyapp.runtime");
			assertThat(record.message()).isEqualTo("the daemon (pid 4242) did not stop within 20 s of SIGTERM and was "
					+ "killed (SIGKILL): requests still in progress were cut off");
		});
	}

	@Test
	void recordsAProcessKilledForMemory() {
		this.listener.on(new AppOutOfMemory(new AppId("guestbook"), "3", 4242, null, false));

		assertThat(this.records).singleElement()
			.satisfies((record) -> assertThat(record.message())
				.isEqualTo("out of memory: the kernel killed a process of the daemon (pid 4242); "
						+ "its master replaces the worker"));
	}

}
