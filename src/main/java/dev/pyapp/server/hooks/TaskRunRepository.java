package dev.pyapp.server.hooks;

import java.util.List;
import java.util.Optional;

import org.springframework.data.mongodb.repository.MongoRepository;

interface TaskRunRepository extends MongoRepository<TaskRun, String> {

	List<TaskRun> findByAppAndTaskOrderByStartedDesc(String app, String task);

	Optional<TaskRun> findFirstByAppAndTaskOrderByStartedDesc(String app, String task);

	List<TaskRun> findByOutcome(String outcome);

	void deleteByApp(String app);

}
