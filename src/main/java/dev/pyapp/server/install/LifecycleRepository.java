package dev.pyapp.server.install;

import org.springframework.data.mongodb.repository.MongoRepository;

interface LifecycleRepository extends MongoRepository<AppLifecycle, String> {

}
