package dev.pyapp.server.hooks;

import java.util.List;

import org.springframework.data.mongodb.repository.MongoRepository;

interface TaskRunRepository extends MongoRepository<TaskRun, String> {

	List<TaskRun> findByAppAndTaskOrderByStartedDesc(String app, String task);

	void deleteByApp(String app);

}
