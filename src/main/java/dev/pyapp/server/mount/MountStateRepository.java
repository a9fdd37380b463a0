package dev.pyapp.server.mount;

import org.springframework.data.mongodb.repository.MongoRepository;

interface MountStateRepository extends MongoRepository<MountState, String> {

}
