package dev.pyapp.server.deploy;

import org.springframework.data.mongodb.repository.MongoRepository;

interface GitAppStateRepository extends MongoRepository<GitAppState, String> {

}
