package dev.pyapp.server.scm.internal;

import dev.pyapp.server.scm.HookDeliveries;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface LastDeliveryRepository extends MongoRepository<HookDeliveries.LastDelivery, String> {

}
