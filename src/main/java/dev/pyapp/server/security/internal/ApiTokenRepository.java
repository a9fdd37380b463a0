package dev.pyapp.server.security.internal;

import java.util.List;
import java.util.Optional;

import dev.pyapp.server.security.ApiToken;

import org.springframework.data.mongodb.repository.MongoRepository;

public interface ApiTokenRepository extends MongoRepository<ApiToken, String> {

	Optional<ApiToken> findByHash(String hash);

	List<ApiToken> findAllByOrderByCreatedAsc();

}
