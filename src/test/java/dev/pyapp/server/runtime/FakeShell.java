package dev.pyapp.server.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;

/**
 * A {@link NodeShell} that answers {@link #exec} from a function of the command line and
 * records what it was asked to run.
 */
final class FakeShell implements NodeShell {

	final List<List<String>> commands = new ArrayList<>();

	private final Function<List<String>, String> outputs;

	FakeShell(Function<List<String>, String> outputs) {
		this.outputs = outputs;
	}

	/**
	 * A host whose uWSGI plugin embeds {@code plugin} and whose environments report the
	 * identity after {@code python} in their path ({@code /r/3.11.2/venv/bin/python}).
	 */
	static FakeShell host(String plugin) {
		return new FakeShell((command) -> {
			if (command.get(0).equals("uwsgi")) {
				return (plugin != null)
						? "*** Starting uWSGI 2.0.21 ***\nPYAPP-PYTHON cpython " + plugin + " " + abi(plugin) + "\n"
						: "uwsgi: unable to load plugin python3\n";
			}
			String version = command.get(0).split("/")[2];
			return "PYAPP-PYTHON cpython " + version + " " + abi(version) + "\n";
		});
	}

	static String abi(String version) {
		String[] parts = version.split("\\.");
		return "cpython-" + parts[0] + parts[1] + "-x86_64-linux-gnu";
	}

	@Override
	public ExecResult exec(ExecRequest request) {
		this.commands.add(request.command());
		return new ExecResult(0, this.outputs.apply(request.command()), false);
	}

	@Override
	public RunningProcess start(ExecRequest request) {
		throw new UnsupportedOperationException();
	}

	@Override
	public boolean signal(long pid, Signal signal) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		return Optional.empty();
	}

}
