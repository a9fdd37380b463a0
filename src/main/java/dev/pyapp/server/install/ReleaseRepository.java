package dev.pyapp.server.install;

import java.util.List;

import org.springframework.data.mongodb.repository.MongoRepository;

interface ReleaseRepository extends MongoRepository<Release, String> {

	List<Release> findByAppOrderByCreatedDesc(String app);

	void deleteByApp(String app);

}
