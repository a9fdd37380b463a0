package dev.pyapp.server.scm;

import java.time.Instant;

import org.springframework.data.mongodb.repository.MongoRepository;

interface DeliveryRepository extends MongoRepository<Delivery, String> {

	void deleteByReceivedBefore(Instant time);

}
