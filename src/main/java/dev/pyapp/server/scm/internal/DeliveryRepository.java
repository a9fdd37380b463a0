package dev.pyapp.server.scm.internal;

import java.time.Instant;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface DeliveryRepository extends MongoRepository<Delivery, String> {

	void deleteByReceivedBefore(Instant time);

}
