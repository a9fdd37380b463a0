package dev.pyapp.server.runtime;

import org.springframework.data.mongodb.repository.MongoRepository;

interface DaemonRecordRepository extends MongoRepository<DaemonRecord, String> {

}
