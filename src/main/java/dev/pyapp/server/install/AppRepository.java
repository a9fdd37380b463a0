package dev.pyapp.server.install;

import org.springframework.data.mongodb.repository.MongoRepository;

interface AppRepository extends MongoRepository<InstalledApp, String> {

}
