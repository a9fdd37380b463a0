package dev.pyapp.server.install.internal;

import dev.pyapp.server.install.AppLifecycle;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface LifecycleRepository extends MongoRepository<AppLifecycle, String> {

}
