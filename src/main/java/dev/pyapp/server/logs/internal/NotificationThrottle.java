package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.DurationText;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.NotificationRule;

/**
 * The periods of throttled rules: the first match of a rule is sent at once and opens a
 * period of the rule's {@code throttle}; later matches within it are counted instead, and
 * when it ends they become one summary ("37 more ERROR records from guestbook in the last
 * 5 min"), which opens the next period. A rule whose period ended without a match has no
 * state left, so the state is bounded by the number of rules. Times are
 * {@link System#nanoTime()} values passed in by the caller; there are no threads here.
 */
public final class NotificationThrottle {

	/** The most app names a summary lists; further apps are counted. */
	static final int MAX_APPS_NAMED = 10;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * Whether a match is sent now; if not, it is counted for the summary.
	 * @param rule the rule it matched
	 * @param record the record
	 * @param now the time
	 * @return {@code true} to send it now
	 */
	public boolean admit(NotificationRule rule, LogRecord record, long now) {
		Duration throttle = rule.throttle();
		if (throttle == null) {
			return true;
		}
		boolean[] send = new boolean[1];
		// per-key atomic, so that due() never forgets a window a match is being
		// counted in
		this.windows.compute(rule.id(), (id, existing) -> {
			Window window = (existing != null) ? existing : new Window(rule, now + throttle.toNanos());
			if (existing != null && (now - window.end < 0 || window.suppressed > 0)) {
				window.count(record);
			}
			else {
				window.end = now + throttle.toNanos();
				send[0] = true;
			}
			return window;
		});
		return send[0];
	}

	/**
	 * The summaries of the periods that ended with held-back matches; each opens the next
	 * period. Periods that ended without any are forgotten.
	 * @param now the time
	 * @return the summaries to send
	 */
	public List<Summary> due(long now) {
		List<Summary> due = new ArrayList<>();
		for (String id : this.windows.keySet()) {
			this.windows.computeIfPresent(id, (key, window) -> {
				if (now - window.end < 0) {
					return window;
				}
				if (window.suppressed == 0) {
					return null;
				}
				due.add(window.summary());
				window.reset(now);
				return window;
			});
		}
		return due;
	}

	/**
	 * Drops a removed rule's period with what it held back.
	 * @param rule the rule's id
	 */
	public void forget(String rule) {
		this.windows.remove(rule);
	}

	/** How many rules have an open period. */
	int open() {
		return this.windows.size();
	}

	static String human(Duration duration) {
		return DurationText.of(duration);
	}

	/**
	 * What a throttled rule held back during one period.
	 *
	 * @param rule the rule
	 * @param count how many matches
	 * @param levels their level, or {@code <min_level>-or-higher} when they differ
	 * @param apps their apps, comma-separated
	 * @param period the rule's throttle
	 */
	public record Summary(NotificationRule rule, int count, String levels, String apps, Duration period) {
	}

	/** One rule's period; changed only inside the map's per-key compute. */
	private static final class Window {

		private final NotificationRule rule;

		private long end;

		private int suppressed;

		private final Set<String> levels = new TreeSet<>();

		private final Set<String> apps = new TreeSet<>();

		private boolean moreApps;

		Window(NotificationRule rule, long end) {
			this.rule = rule;
			this.end = end;
		}

		void count(LogRecord record) {
			this.suppressed++;
			this.levels.add(record.level().name());
			String app = String.valueOf(record.app());
			if (this.apps.size() < MAX_APPS_NAMED || this.apps.contains(app)) {
				this.apps.add(app);
			}
			else {
				this.moreApps = true;
			}
		}

		Summary summary() {
			String levels = (this.levels.size() == 1) ? this.levels.iterator().next()
					: this.rule.minLevel() + "-or-higher";
			String apps = String.join(", ", this.apps) + (this.moreApps ? " and other apps" : "");
			return new Summary(this.rule, this.suppressed, levels, apps, this.rule.throttle());
		}

		void reset(long now) {
			this.suppressed = 0;
			this.levels.clear();
			this.apps.clear();
			this.moreApps = false;
			this.end = now + this.rule.throttle().toNanos();
		}

	}

}
