package dev.pyapp.server.scm;

import org.springframework.data.mongodb.repository.MongoRepository;

interface LastDeliveryRepository extends MongoRepository<HookDeliveries.LastDelivery, String> {

}
