package dev.pyapp.server.mount.internal;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface MountStateRepository extends MongoRepository<MountState, String> {

}
