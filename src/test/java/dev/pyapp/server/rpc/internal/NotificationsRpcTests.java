package dev.pyapp.server.rpc.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.NotificationDelivery;
import dev.pyapp.server.logs.NotificationRule;
import dev.pyapp.server.logs.NotificationRuleRequest;
import dev.pyapp.server.logs.Notifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code notifications.*} results, written with the mapper Boot gives the
 * dispatcher: the same members in the same order as before they were records, and targets
 * without credentials.
 */
class NotificationsRpcTests {

	private static final JsonMapper mapper = bootMapper();

	private static final NotificationsRpc.ListParams ALL = new NotificationsRpc.ListParams(null);

	private final Notifier notifier = mock(Notifier.class);

	private final AppRegistry registry = mock(AppRegistry.class);

	private final NotificationsRpc rpc = new NotificationsRpc(this.notifier, this.registry);

	@BeforeEach
	void installGuestbook() {
		given(this.registry.find(AppId.of("guestbook"))).willReturn(Optional.of(mock(InstalledApp.class)));
	}

	private static final NotificationRule RULE = new NotificationRule("r1", "guestbook", LogLevel.ERROR, "database",
			NotificationRule.Channel.WEBHOOK, "https://bob:hunter2@hooks.example.org/x?token=t0k",
			Duration.ofMinutes(5));

	private static final NotificationRule MAIL = new NotificationRule("r2", null, LogLevel.WARNING, null,
			NotificationRule.Channel.EMAIL, "ops@example.org", null);

	private static final NotificationDelivery SENT = new NotificationDelivery("d1", "r1", "webhook",
			"https://***@hooks.example.org/x?token=***", Instant.parse("2026-01-02T03:04:05Z"), false,
			"ERROR in guestbook: database down", "sent", 1, null);

	private static final String RULE_FIELDS = "'id':'r1','app':'guestbook','min_level':'ERROR','pattern':'database',"
			+ "'channel':'webhook','target':'https://***@hooks.example.org/x?token=***','throttle':'5m'";

	private static final String SENT_JSON = "{'id':'d1','rule':'r1','channel':'webhook',"
			+ "'target':'https://***@hooks.example.org/x?token=***','time':'2026-01-02T03:04:05Z','summary':false,"
			+ "'subject':'ERROR in guestbook: database down','status':'sent','attempts':1,'error':null}";

	private static final String NO_SMTP = "no SMTP server is configured (spring.mail.host): this rule cannot send "
			+ "e-mail until one is";

	@Test
	void listsRulesWithTheirLastDeliveryAndWarning() {
		given(this.notifier.rules()).willReturn(List.of(RULE, MAIL));
		given(this.notifier.deliveries(null)).willReturn(List.of(SENT));
		given(this.notifier.warning(MAIL)).willReturn(NO_SMTP);

		assertJson(this.rpc.list(ALL), "[{" + RULE_FIELDS + ",'last_delivery':" + SENT_JSON + ",'warning':null},"
				+ "{'id':'r2','app':null,'min_level':'WARNING','pattern':null,'channel':'email',"
				+ "'target':'ops@example.org','throttle':null,'last_delivery':null,'warning':'" + NO_SMTP + "'}]");
	}

	@Test // audit-ops: {app} was ignored, every rule was listed
	void listsOnlyTheRulesOfTheAppAsked() {
		given(this.notifier.rules()).willReturn(List.of(RULE, MAIL));
		given(this.notifier.deliveries(null)).willReturn(List.of());

		assertThat(this.rpc.list(new NotificationsRpc.ListParams("guestbook")))
			.extracting(NotificationsRpc.ListedRule::id)
			.containsExactly("r1");
		assertThat(this.rpc.list(new NotificationsRpc.ListParams("blog"))).isEmpty();
		assertThat(this.rpc.list(ALL)).extracting(NotificationsRpc.ListedRule::id).containsExactly("r1", "r2");
		assertThatThrownBy(() -> this.rpc.list(new NotificationsRpc.ListParams("Bad App")))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> assertThat(ex.getProblems())
				.containsExactly(new Problem("app", "'Bad App' is not a valid app name")));
	}

	@Test
	void aRuleForAnAppThatIsNotInstalledIsAddedWithAWarning() {
		given(this.notifier.add(any(NotificationRuleRequest.class))).willReturn(RULE);
		given(this.registry.find(AppId.of("guestbook"))).willReturn(Optional.empty());
		given(this.notifier.rules()).willReturn(List.of(RULE));

		String warning = "no app named 'guestbook' is installed: this rule matches no record until one is";
		assertThat(this.rpc
			.add(new NotificationsRpc.RuleParams("guestbook", "ERROR", "database", "webhook", RULE.target(), "5m"))
			.warnings()).containsExactly(warning);
		assertThat(this.rpc.list(ALL)).singleElement()
			.extracting(NotificationsRpc.ListedRule::warning)
			.isEqualTo(warning);
	}

	@Test
	void addReturnsTheRuleWithItsWarnings() {
		given(this.notifier.add(any(NotificationRuleRequest.class))).willReturn(RULE);

		assertJson(this.rpc
			.add(new NotificationsRpc.RuleParams("guestbook", "ERROR", "database", "webhook", RULE.target(), "5m")),
				"{" + RULE_FIELDS + ",'warnings':[]}");
	}

	@Test
	void removeReturnsTheRuleRemoved() {
		given(this.notifier.remove("r1")).willReturn(RULE);

		assertJson(this.rpc.remove(new NotificationsRpc.RemoveParams("r1")), "{" + RULE_FIELDS + ",'removed':true}");
	}

	@Test
	void testAndDeliveriesReturnDeliveries() {
		given(this.notifier.test("r1")).willReturn(SENT);
		given(this.notifier.deliveries("r1")).willReturn(List.of(SENT, SENT, SENT));

		assertJson(this.rpc.test(new NotificationsRpc.RemoveParams("r1")), SENT_JSON);
		assertJson(this.rpc.deliveries(new NotificationsRpc.DeliveriesParams("r1", 2)),
				"[" + SENT_JSON + "," + SENT_JSON + "]");
	}

	@Test
	void formatsAThrottleInItsLargestWholeUnit() {
		NotificationRule hourly = new NotificationRule("r3", null, LogLevel.ERROR, null, NotificationRule.Channel.EMAIL,
				"ops@example.org", Duration.ofHours(2));
		NotificationRule odd = new NotificationRule("r4", null, LogLevel.ERROR, null, NotificationRule.Channel.EMAIL,
				"ops@example.org", Duration.ofSeconds(90));
		given(this.notifier.rules()).willReturn(List.of(hourly, odd));

		assertThat(this.rpc.list(ALL)).extracting(NotificationsRpc.ListedRule::throttle).containsExactly("2h", "90s");
	}

	private static void assertJson(Object result, String expected) {
		String json = expected.replace('\'', '"');
		assertThat(mapper.writeValueAsString(result)).isEqualTo(mapper.writeValueAsString(mapper.readTree(json)));
	}

	private static JsonMapper bootMapper() {
		AtomicReference<JsonMapper> mapper = new AtomicReference<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.run((context) -> mapper.set(context.getBean(JsonMapper.class)));
		return mapper.get();
	}

}
