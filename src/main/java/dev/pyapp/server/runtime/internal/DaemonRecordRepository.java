package dev.pyapp.server.runtime.internal;

import org.springframework.data.mongodb.repository.MongoRepository;

interface DaemonRecordRepository extends MongoRepository<DaemonRecord, String> {

}
