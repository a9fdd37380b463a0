package dev.pyapp.server.scm;

import java.time.Instant;
import java.util.Optional;

import dev.pyapp.server.scm.internal.LastDeliveryRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;

/**
 * The last delivery each post-commit hook received and what became of it, so that an
 * operator can tell a hook that works from one that is refused or never called.
 */
@Component
public class HookDeliveries {

	private final LastDeliveryRepository repository;

	HookDeliveries(LastDeliveryRepository repository) {
		this.repository = repository;
	}

	/**
	 * The last delivery of a hook.
	 * @param hook the hook's id
	 * @return the delivery, if one arrived
	 */
	public Optional<LastDelivery> last(String hook) {
		return this.repository.findById(hook);
	}

	void record(String hook, int status, String outcome, String message) {
		this.repository.save(new LastDelivery(hook, Instant.now(), status, outcome, message));
	}

	void forget(String hook) {
		this.repository.deleteById(hook);
	}

	/**
	 * The last delivery of a hook.
	 *
	 * @param hook the hook's id
	 * @param time when it arrived
	 * @param status the HTTP status it was answered with
	 * @param outcome {@code accepted}, {@code duplicate}, {@code ignored},
	 * {@code bad-request}, {@code unauthorized} or {@code too-large}
	 * @param message what the answer said
	 */
	@Document("scm_hook_last_delivery")
	public record LastDelivery(@Id String hook, Instant time, int status, String outcome, @Nullable String message) {
	}

}
