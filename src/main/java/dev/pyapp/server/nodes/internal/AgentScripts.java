package dev.pyapp.server.nodes.internal;

/**
 * The shell scripts the installer runs on a node. Each takes its values as positional
 * arguments ({@code sh -c SCRIPT sh ARG…}), so nothing is ever spliced into the script
 * text.
 */
final class AgentScripts {

	/** Prints {@code key=value} facts about the host. */
	static final String CHECK = """
			. /etc/os-release 2>/dev/null; echo "os=${ID:-unknown} ${VERSION_ID:-}"
			echo "arch=$(uname -m)"; echo "uid=$(id -u)"; echo "home=$HOME"
			if command -v python3 >/dev/null 2>&1; then
				echo "python=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>&1)"
				python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && echo "venv=yes"
			fi
			if command -v java >/dev/null 2>&1; then
				echo "java=$(command -v java)"
				echo "java.version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
			fi
			for w in nginx apache2 lighttpd; do
				if command -v $w >/dev/null 2>&1 || [ -x /usr/sbin/$w ]; then echo "webserver.$w=yes"; fi
			done
			command -v apt-get >/dev/null 2>&1 && echo "apt=yes"
			command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && echo "sudo=yes"
			command -v setsid >/dev/null 2>&1 && echo "setsid=yes"
			command -v sha256sum >/dev/null 2>&1 && echo "sha256sum=yes"
			if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo "systemd=yes"; fi
			exit 0
			""";

	/** Args: packages… Installs Debian packages, non-interactively. */
	static final String APT = """
			export DEBIAN_FRONTEND=noninteractive
			apt-get update -q && apt-get install -y -q --no-install-recommends "$@"
			""";

	/**
	 * Args: port. Prints a free TCP port of 127.0.0.1 (the given one if not 0). A port in
	 * TIME_WAIT is free: the agent (Tomcat) binds it with SO_REUSEADDR, and the port of
	 * an agent just stopped for a reinstall is in TIME_WAIT after the tunnel's last
	 * calls.
	 */
	static final String FREE_PORT = """
			python3 -c 'import socket, sys
			s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
			s.bind(("127.0.0.1", int(sys.argv[1]))); print(s.getsockname()[1])' "$1"
			""";

	/**
	 * Args: java, java options. The supervisor where systemd is not available: runs the
	 * agent from its home and starts it again 5 s after it exits, until it gets TERM.
	 */
	static final String RUN = """
			#!/bin/sh
			# PyApp agent supervisor, written by the PyApp manager (nodes.install).
			# Runs the agent and restarts it when it exits, until this script gets TERM.
			# Its files are its user's alone, whatever the umask of the SSH session.
			umask 077
			cd "$(dirname "$0")" || exit 1
			chmod 700 logs; chmod 600 logs/agent.log 2>/dev/null
			java=${1:-java}
			shift
			echo $$ > agent.pid
			child=
			stopping=
			trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT HUP
			while [ -z "$stopping" ]; do
				"$java" "$@" -jar pyapp-server.jar --spring.config.additional-location=file:./agent.properties >> logs/agent.log 2>&1 &
				child=$!
				echo "$child" > agent-java.pid
				# a trapped signal ends wait early: wait until the agent has really ended
				while kill -0 "$child" 2>/dev/null; do wait "$child"; done
				[ -n "$stopping" ] && break
				echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) the agent exited; restarting it in 5 s" >> logs/agent.log
				sleep 5
			done
			rm -f agent.pid agent-java.pid
			""";

	/**
	 * Args: home, port, service, supervisor pid, seconds. Waits until the agent has
	 * written its token and listens; prints the end of its log when it does not.
	 */
	static final String WAIT = """
			home=$1; port=$2; service=$3; pid=$4; i=0
			while [ $i -lt "$5" ]; do
				if [ -s "$home/api-token" ] && python3 -c 'import socket, sys
			socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; then
					echo ready; exit 0
				fi
				if [ "$service" = process ] && ! kill -0 "$pid" 2>/dev/null; then
					echo "the agent's supervisor ended"; tail -n 60 "$home/logs/agent.log" 2>/dev/null; exit 2
				fi
				if [ "$service" = systemd ] && systemctl -q is-failed pyapp-agent.service; then
					echo "the pyapp-agent service failed"; tail -n 60 "$home/logs/agent.log" 2>/dev/null; exit 2
				fi
				sleep 1; i=$((i + 1))
			done
			echo "the agent did not answer within $5 s"; tail -n 60 "$home/logs/agent.log" 2>/dev/null; exit 1
			""";

	/**
	 * Args: home. Stops a running agent (either kind), so that a reinstall starts the new
	 * jar.
	 */
	static final String STOP = """
			home=$1
			if [ -f /etc/systemd/system/pyapp-agent.service ] && command -v systemctl >/dev/null 2>&1; then
				systemctl stop pyapp-agent.service 2>/dev/null
			fi
			if [ -f "$home/agent.pid" ]; then
				pid=$(cat "$home/agent.pid")
				if kill -TERM "$pid" 2>/dev/null; then
					i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
				fi
			fi
			if [ -f "$home/agent-java.pid" ]; then
				pid=$(cat "$home/agent-java.pid")
				if tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q pyapp-server.jar; then kill -KILL "$pid"; fi
			fi
			rm -f "$home/agent.pid" "$home/agent-java.pid"
			exit 0
			""";

	/** Args: home, purge (yes|no). Uninstalls a stopped agent. */
	static final String UNINSTALL = """
			home=$1
			if [ -f /etc/systemd/system/pyapp-agent.service ] && command -v systemctl >/dev/null 2>&1; then
				systemctl disable --now pyapp-agent.service 2>/dev/null
				rm -f /etc/systemd/system/pyapp-agent.service
				systemctl daemon-reload
			fi
			rm -f "$home/pyapp-server.jar" "$home/agent.properties" "$home/agent-run.sh" "$home/api-token"
			if [ "$2" = yes ]; then rm -rf -- "$home"; fi
			exit 0
			""";

	private AgentScripts() {
	}

	/**
	 * The systemd unit of the agent. {@code KillMode=process}: stopping or restarting the
	 * agent must not stop the app daemons it started, which keep serving meanwhile.
	 * @param user the user it runs as
	 * @param home its home (a plain path, checked by the caller)
	 * @param command the java command line
	 * @return the unit file's text
	 */
	static String unit(String user, String home, String command) {
		return """
				# Written by the PyApp manager (nodes.install).
				[Unit]
				Description=PyApp Server agent (managed over SSH)
				After=network.target

				[Service]
				Type=simple
				User=%s
				WorkingDirectory=%s
				ExecStart=%s -jar %s/pyapp-server.jar --spring.config.additional-location=file:%s/agent.properties
				StandardOutput=append:%s/logs/agent.log
				StandardError=append:%s/logs/agent.log
				Restart=always
				RestartSec=5
				UMask=0077
				KillMode=process

				[Install]
				WantedBy=multi-user.target
				""".formatted(user, home, command, home, home, home, home);
	}

}
