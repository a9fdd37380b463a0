package dev.pyapp.server.install.internal;

import java.util.List;

import dev.pyapp.server.install.Release;

import org.springframework.data.mongodb.repository.MongoRepository;
import org.springframework.data.mongodb.repository.Query;

public interface ReleaseRepository extends MongoRepository<Release, String> {

	/**
	 * The releases whose id matches a regular expression: anchored at the start
	 * ({@code ^<app>/}), the id index answers it.
	 * @param regex the expression
	 * @return the releases, in no order
	 */
	@Query("{ '_id': { '$regex': ?0 } }")
	List<Release> findByIdMatching(String regex);

	void deleteByApp(String app);

}
