package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.hooks.TaskDefinition;
import dev.pyapp.server.hooks.TaskStatus;
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

	private final AppContexts contexts = mock(AppContexts.class);

	private final ScheduledTasks tasks = mock(ScheduledTasks.class);

	private final TasksRpc rpc = new TasksRpc(this.registry, this.contexts, this.tasks);

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

	@Test // audit-ops: a misspelt task gave [] while tasks.run said it was not found
	void listOfATaskTheAppDoesNotHaveIsNotFound() {
		Instant then = Instant.parse("2026-01-01T00:00:00Z");
		given(this.registry.get(AppId.of("blog")))
			.willReturn(new InstalledApp("blog", AppSource.archive(), "1.0.0-a", Map.of(), then, then));
		List<TaskDefinition> defined = List.of(new TaskDefinition("purge", "*/30 * * * *", "blog.tasks:purge"));
		given(this.contexts.tasks(AppId.of("blog"), "1.0.0-a")).willReturn(defined);
		given(this.tasks.list(AppId.of("blog"), defined))
			.willReturn(List.of(new TaskStatus("purge", "*/30 * * * *", "blog.tasks:purge", true, false, null, null)));

		assertThat(this.rpc.list(new TasksRpc.TaskParams("blog", "purge"))).extracting(TaskStatus::name)
			.containsExactly("purge");
		assertThatThrownBy(() -> this.rpc.list(new TasksRpc.TaskParams("blog", "purje")))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND);
				assertThat(ex.getMessage()).isEqualTo("app 'blog' has no task 'purje'");
			});
	}

}
