package dev.pyapp.server.scm.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param publicUrl the server's URL as git hosts reach it (such as
 * {@code https://deploy.example.com}), used for hook URLs; {@code null}: the URL of the
 * request that creates the hook
 * @param timeout how long one clone or fetch may stall on the network
 * @param maxPayload the largest post-commit hook body accepted
 * @param deliveriesKept how long the hashes of signed bodies are remembered to drop
 * repeated deliveries (and replays with a fresh delivery id)
 * @param maxDeliveryAge how old a delivery may be when the sender signs its time of
 * sending ({@code pyapp hooks install-git} does)
 */
@ConfigurationProperties("pyapp.scm")
public record ScmProperties(@Nullable String publicUrl, @DefaultValue("60s") Duration timeout,
		@DefaultValue("5MB") DataSize maxPayload, @DefaultValue("7d") Duration deliveriesKept,
		@DefaultValue("1h") Duration maxDeliveryAge) {

	@ConstructorBinding
	public ScmProperties {
	}

	public ScmProperties(@Nullable String publicUrl, Duration timeout, DataSize maxPayload, Duration deliveriesKept) {
		this(publicUrl, timeout, maxPayload, deliveriesKept, Duration.ofHours(1));
	}

}
