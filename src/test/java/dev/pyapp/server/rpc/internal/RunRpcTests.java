package dev.pyapp.server.rpc.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.CommandResult;
import dev.pyapp.server.nodes.LaunchPlan;
import dev.pyapp.server.runtime.AppCommands;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code apps.run} and {@code apps.shell}.
 */
class RunRpcTests {

	private final AppCommands commands = mock(AppCommands.class);

	private final RunRpc rpc = new RunRpc(this.commands);

	@Test
	void appsRun() {
		given(this.commands.run(AppId.of("blog"), List.of("python", "-V"), null))
			.willReturn(new AppCommands.CommandRun("r2", new CommandResult(0, "Python 3.12.1\n", false, false)));
		assertJson(this.rpc.run(new RunRpc.RunParams("blog", List.of("python", "-V"), null)),
				"{'exit_code':0,'output':'Python 3.12.1\\n','truncated':false,'timed_out':false,'release':'r2'}");
	}

	@Test
	void appsShell() {
		given(this.commands.shell(AppId.of("blog"), List.of("python"))).willReturn(new AppCommands.ShellPlan("r2",
				new LaunchPlan(List.of("setpriv", "python"), Map.of("HOME", "/srv/blog"), Path.of("/srv/blog/src"))));
		assertJson(this.rpc.shell(new RunRpc.ShellParams("blog", List.of("python"))),
				"{'command':['setpriv','python'],'environment':{'HOME':'/srv/blog'},'directory':'/srv/blog/src',"
						+ "'release':'r2'}");
	}

	@Test
	void appsShellWithoutADirectory() {
		given(this.commands.shell(AppId.of("blog"), List.of("python")))
			.willReturn(new AppCommands.ShellPlan("r2", new LaunchPlan(List.of("python"), Map.of(), null)));
		assertJson(this.rpc.shell(new RunRpc.ShellParams("blog", List.of("python"))),
				"{'command':['python'],'environment':{},'directory':null,'release':'r2'}");
	}

}
