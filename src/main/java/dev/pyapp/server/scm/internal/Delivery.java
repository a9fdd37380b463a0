package dev.pyapp.server.scm.internal;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A delivery already received, so that a sender's retry does not deploy twice.
 *
 * @param id {@code <hook id>:<delivery id>}
 * @param received when it arrived
 */
@Document("scm_deliveries")
public record Delivery(@Id String id, Instant received) {
}
