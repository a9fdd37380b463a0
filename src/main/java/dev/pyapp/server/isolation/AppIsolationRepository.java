package dev.pyapp.server.isolation;

import org.springframework.data.mongodb.repository.MongoRepository;

interface AppIsolationRepository extends MongoRepository<AppIsolationRecord, String> {

}
