package dev.pyapp.server.nodes;

import java.util.Optional;

/**
 * Runs commands and manages processes on one node: the local host
 * ({@link LocalNodeShell}) or, later, a remote one over SSH. Every other module starts
 * processes only through this interface.
 */
public interface NodeShell {

	/**
	 * Runs a command to completion.
	 * @param request what to run
	 * @return the exit code and the captured output; a command that outlives
	 * {@link ExecRequest#timeout()} is killed (with its process group) and reported as
	 * timed out
	 * @throws NodeException if the command cannot be started at all
	 */
	ExecResult exec(ExecRequest request);

	/**
	 * Starts a long-running process in a session of its own, so that it survives a
	 * restart of this server and a Ctrl-C in the server's terminal. Its output goes to
	 * the request's files (never to a pipe this JVM holds).
	 * @param request what to run
	 * @return the running process
	 * @throws NodeException if the command cannot be started
	 */
	RunningProcess start(ExecRequest request);

	/**
	 * Sends a signal to a process.
	 * @param pid the process id
	 * @param signal the signal
	 * @return whether the process existed
	 */
	boolean signal(long pid, Signal signal);

	/**
	 * Exactly what {@link #exec} or {@link #start} would run for a request, for a caller
	 * that runs the command itself with its own terminal. The same wrapping applies as to
	 * every process this node starts.
	 * @param request what to run
	 * @return the final command line, environment and working directory
	 * @throws UnsupportedOperationException if the node cannot hand out a command line
	 * that runs on the caller's host (a remote node)
	 */
	default LaunchPlan plan(ExecRequest request) {
		throw new UnsupportedOperationException("this node runs commands on another host");
	}

	/**
	 * What is known about a live process.
	 * @param pid the process id
	 * @return its command line and start time, or empty if no such process is alive
	 */
	Optional<ProcessInfo> process(long pid);

}
