package dev.pyapp.server.runtime.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How app daemons run and are supervised (SPEC §4, §9).
 *
 * @param portRange the TCP ports on 127.0.0.1 for apps with {@code bind: port}, such as
 * {@code 20000-20999}
 * @param startTimeout how long a new daemon may take until it accepts connections
 * @param stopTimeout how long to wait after SIGTERM (gunicorn drains its requests) before
 * SIGKILL
 * @param drainDelay how long a replaced daemon keeps running after the switch, so that
 * connections made just before it are served; then it is stopped once none waits in its
 * listen queue (read with iproute2's {@code ss}), at most {@code stop-timeout} later
 * @param restartBackoff the delay before the first restart after a crash; it doubles with
 * each further crash
 * @param restartBackoffMax the longest delay between restarts
 * @param crashLimit crashes within {@code crashWindow} after which the app is marked
 * {@code failed}
 * @param crashWindow the window {@code crashLimit} counts in
 * @param pollInterval how often the supervisor checks that its daemons are alive
 * @param server the app server of apps whose {@code daemon.server} names none:
 * {@code auto} (uWSGI where its Python plugin runs the release's environment, else
 * gunicorn), {@code gunicorn} or {@code uwsgi}
 * @param uwsgi where uWSGI is
 * @param adoption how the server's start looks for the daemons that outlived its last run
 */
@ConfigurationProperties("pyapp.runtime")
public record RuntimeProperties(@DefaultValue("20000-20999") String portRange,
		@DefaultValue("60s") Duration startTimeout, @DefaultValue("20s") Duration stopTimeout,
		@DefaultValue("1s") Duration drainDelay, @DefaultValue("2s") Duration restartBackoff,
		@DefaultValue("1m") Duration restartBackoffMax, @DefaultValue("5") int crashLimit,
		@DefaultValue("5m") Duration crashWindow, @DefaultValue("500ms") Duration pollInterval,
		@DefaultValue("auto") String server, @DefaultValue Uwsgi uwsgi, @DefaultValue Adoption adoption) {

	/**
	 * @param command the uWSGI program (Debian: {@code uwsgi} from {@code uwsgi-core})
	 * @param plugin its Python plugin for {@code --plugin} (Debian:
	 * {@code uwsgi-plugin-python3}'s {@code python3})
	 */
	public record Uwsgi(@DefaultValue("uwsgi") String command, @DefaultValue("python3") String plugin) {
	}

	/**
	 * @param maxWait the longest the server's start waits for the apps' daemons to be
	 * looked for before the web server starts; an app still being looked at shows
	 * {@code stopped} until it is done
	 * @param lookers how many apps are looked at at once, so that one slow app holds up
	 * none of the others
	 * @param starters how many apps go through the rest of their adoption (the strays
	 * stopped, the venvs awaited, a start, the replacement of a daemon of the server's
	 * user) at the same time once the server is up: after a reboot every app starts, and
	 * one at a time the last would serve only after all the others' starts; a slow or
	 * failing start holds up one of them, not the others. Each start runs its app's
	 * interpreter and imports, so many more than a small host's cores only share them
	 */
	public record Adoption(@DefaultValue("10s") Duration maxWait, @DefaultValue("4") int lookers,
			@DefaultValue("4") int starters) {

		public Adoption {
			Assert.isTrue(!maxWait.isNegative(), "'maxWait' must not be negative");
			Assert.isTrue(lookers > 0, "'lookers' must be positive");
			Assert.isTrue(starters > 0, "'starters' must be positive");
		}

	}

	int firstPort() {
		return Integer.parseInt(this.portRange.split("-")[0].trim());
	}

	int lastPort() {
		String[] parts = this.portRange.split("-");
		return Integer.parseInt(parts[parts.length - 1].trim());
	}

}
