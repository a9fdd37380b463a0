package dev.pyapp.server.scm.internal;

import java.util.List;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface HookRepository extends MongoRepository<HookRegistration, String> {

	List<HookRegistration> findByAppOrderByCreatedAsc(String app);

	void deleteByApp(String app);

}
