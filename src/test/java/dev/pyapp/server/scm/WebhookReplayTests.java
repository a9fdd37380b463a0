package dev.pyapp.server.scm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.pyapp.server.scm.internal.Delivery;
import dev.pyapp.server.scm.internal.DeliveryRepository;
import dev.pyapp.server.scm.internal.HookRegistration;
import dev.pyapp.server.scm.internal.HookRepository;
import dev.pyapp.server.scm.internal.ScmProperties;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Post-commit hooks against replays and unknown ids (GH-13, items 11 and 12).
 */
class WebhookReplayTests {

	private static final String SECRET = "s3cret";

	private final HookRepository hooks = mock(HookRepository.class);

	private final DeliveryRepository deliveries = mock(DeliveryRepository.class);

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	private final ScmProperties properties = new ScmProperties(null, Duration.ofSeconds(30), DataSize.ofMegabytes(5),
			Duration.ofDays(7));

	private final PostCommitHooks postCommitHooks = new PostCommitHooks(this.hooks, this.deliveries, this.properties,
			JsonMapper.builder().build(), this.events);

	WebhookReplayTests() {
		Set<String> seen = new HashSet<>();
		given(this.deliveries.insert(any(Delivery.class))).willAnswer((call) -> {
			Delivery delivery = call.getArgument(0);
			if (!seen.add(delivery.id())) {
				throw new DuplicateKeyException(delivery.id());
			}
			return delivery;
		});
	}

	private void register(String id, HookProvider provider) {
		HookRegistration hook = new HookRegistration(id, "guestbook", provider, SECRET, "http://x/hooks/" + id,
				Instant.now());
		given(this.hooks.findById(id)).willReturn(Optional.of(hook));
		given(this.hooks.existsById(id)).willReturn(true);
	}

	@Test // GH-13 (11)
	void aCapturedPushReplayedWithAFreshDeliveryIdIsNotActedOnAgain() {
		register("h1", HookProvider.GITHUB);
		byte[] body = "{\"ref\":\"refs/heads/main\",\"after\":\"0123456789abcdef0123456789abcdef01234567\"}"
			.getBytes(StandardCharsets.UTF_8);
		Map<String, String> first = Map.of("X-Hub-Signature-256", "sha256=" + HookProvider.hmac(SECRET, body),
				"X-GitHub-Event", "push", "X-GitHub-Delivery", "delivery-1");
		Map<String, String> replay = Map.of("X-Hub-Signature-256", "sha256=" + HookProvider.hmac(SECRET, body),
				"X-GitHub-Event", "push", "X-GitHub-Delivery", "delivery-2-fresh");

		assertThat(this.postCommitHooks.receive("h1", body, first::get).status())
			.isEqualTo(PostCommitHooks.Status.ACCEPTED);
		assertThat(this.postCommitHooks.receive("h1", body, replay::get).status())
			.isEqualTo(PostCommitHooks.Status.DUPLICATE);
		verify(this.events, times(1)).publishEvent(any(PushReceived.class));
	}

	@Test // GH-13 (11)
	void aGenericDeliverySignedLongAgoIsNotActedOn() {
		register("h2", HookProvider.GENERIC);
		long old = Instant.now().minus(Duration.ofHours(2)).getEpochSecond();
		byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"0123456789abcdef0123456789abcdef01234567\","
				+ "\"timestamp\":" + old + "}")
			.getBytes(StandardCharsets.UTF_8);
		Map<String, String> headers = Map.of("X-Pyapp-Signature", "sha256=" + HookProvider.hmac(SECRET, body));
		assertThat(this.postCommitHooks.receive("h2", body, headers::get).status())
			.isEqualTo(PostCommitHooks.Status.IGNORED);
		verify(this.events, never()).publishEvent(any(PushReceived.class));

		byte[] fresh = ("{\"ref\":\"refs/heads/main\",\"after\":\"0123456789abcdef0123456789abcdef01234567\","
				+ "\"timestamp\":" + Instant.now().getEpochSecond() + "}")
			.getBytes(StandardCharsets.UTF_8);
		Map<String, String> signed = Map.of("X-Pyapp-Signature", "sha256=" + HookProvider.hmac(SECRET, fresh));
		assertThat(this.postCommitHooks.receive("h2", fresh, signed::get).status())
			.isEqualTo(PostCommitHooks.Status.ACCEPTED);
	}

	@Test // GH-13 (12)
	void anUnknownHookIsAnswered404WithoutReadingTheBody() throws IOException {
		WebhookController controller = new WebhookController(this.postCommitHooks, this.properties,
				mock(HookDeliveries.class));
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/hooks/nope") {

			@Override
			public ServletInputStream getInputStream() {
				return fail("the body of a request to an unknown hook was read");
			}

		};
		request.addHeader("Content-Length", String.valueOf(5 * 1024 * 1024));
		assertThat(controller.receive("nope", request).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

}
