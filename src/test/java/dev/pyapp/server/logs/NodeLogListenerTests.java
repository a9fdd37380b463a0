package dev.pyapp.server.logs;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.NodeLogListener;
import dev.pyapp.server.logs.internal.WebServerLogListener;
import dev.pyapp.server.mount.WebServerFailed;
import dev.pyapp.server.nodes.NodeRecovered;
import dev.pyapp.server.nodes.NodeUnreachable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * What happens to a node or to the managed web server, recorded and offered to the
 * notification rules.
 */
class NodeLogListenerTests {

	@TempDir
	Path dir;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private NodeLogListener listener;

	private LogCollector collector;

	@BeforeEach
	void start() {
		LogCollector collector = this.collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		this.listener = new NodeLogListener(collector);
	}

	@Test
	void recordsAnUnreachableNodeAsAnErrorThatAnAppLessRuleReports() {
		this.listener.on(new NodeUnreachable("web2", "connect timed out"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.app()).isNull();
			assertThat(record.node()).isEqualTo("web2");
			assertThat(record.level()).isEqualTo(LogLevel.ERROR);
			assertThat(record.logger()).isEqualTo("pyapp.nodes");
			assertThat(record.message()).isEqualTo("node 'web2' is unreachable: connect timed out");
		});
		LogRecord record = this.records.get(0);
		assertThat(matches(rule(null, LogLevel.ERROR, "unreachable"), record)).isTrue();
		assertThat(matches(rule("guestbook", LogLevel.ERROR, null), record)).isFalse();
		assertThat(matches(rule(null, LogLevel.CRITICAL, null), record)).isFalse();
	}

	@Test
	void recordsARecoveredNodeAsInfo() {
		this.listener.on(new NodeRecovered("web2"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.node()).isEqualTo("web2");
			assertThat(record.level()).isEqualTo(LogLevel.INFO);
			assertThat(record.message()).isEqualTo("node 'web2' is reachable again");
		});
		assertThat(matches(rule(null, LogLevel.INFO, "reachable again"), this.records.get(0))).isTrue();
		assertThat(matches(rule(null, LogLevel.WARNING, null), this.records.get(0))).isFalse();
	}

	@Test
	void doesNotStoreCredentialsAnErrorQuotes() {
		this.listener.on(new NodeUnreachable("web2", "cannot fetch https://bob:hunter2@example.org/agent"));

		assertThat(this.records.get(0).message()).doesNotContain("hunter2");
	}

	@Test
	void recordsTheManagedWebServerGivingUpAsCritical() {
		new WebServerLogListener(this.collector)
			.on(new WebServerFailed("nginx", "nginx (pid 7) ended unexpectedly; it failed 5 times within PT5M"));

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.app()).isNull();
			assertThat(record.level()).isEqualTo(LogLevel.CRITICAL);
			assertThat(record.logger()).isEqualTo("pyapp.webserver");
			assertThat(record.message()).startsWith("the managed nginx is not restarted any more: nginx (pid 7)");
		});
		assertThat(matches(rule(null, LogLevel.ERROR, null), this.records.get(0))).isTrue();
	}

	private static NotificationRule rule(String app, LogLevel level, String pattern) {
		return new NotificationRule("r1", app, level, pattern, NotificationRule.Channel.EMAIL, "ops@example.org", null);
	}

	private static boolean matches(NotificationRule rule, LogRecord record) {
		return RuleMatcher.matches(rule,
				(rule.pattern() != null) ? java.util.regex.Pattern.compile(rule.pattern()) : null, record,
				System.nanoTime() + RuleMatcher.PATTERN_BUDGET.toNanos());
	}

}
