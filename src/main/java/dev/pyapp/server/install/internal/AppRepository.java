package dev.pyapp.server.install.internal;

import dev.pyapp.server.install.InstalledApp;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface AppRepository extends MongoRepository<InstalledApp, String> {

}
