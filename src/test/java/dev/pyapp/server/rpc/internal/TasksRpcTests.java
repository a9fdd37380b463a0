package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.AppContexts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@code tasks.*}: what a call that cannot run says.
 */
class TasksRpcTests {

	private final AppRegistry registry = mock(AppRegistry.class);

	private final TasksRpc rpc = new TasksRpc(this.registry, mock(AppContexts.class), mock(ScheduledTasks.class));

	@Test
	void runWithoutATaskIsInvalidAndSaysWhatIsMissing() {
		Instant then = Instant.parse("2026-01-01T00:00:00Z");
		given(this.registry.get(AppId.of("blog")))
			.willReturn(new InstalledApp("blog", AppSource.archive(), "1.0.0-a", Map.of(), then, then));

		assertThatThrownBy(() -> this.rpc.run(new TasksRpc.TaskParams("blog", null)))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getMessage()).isEqualTo("tasks.run needs the task to run");
				assertThat(ex.getProblems()).containsExactly(new Problem("task", "name the task to run"));
			});
	}

}
