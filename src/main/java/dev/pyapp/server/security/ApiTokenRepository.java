package dev.pyapp.server.security;

import java.util.List;
import java.util.Optional;

import org.springframework.data.mongodb.repository.MongoRepository;

interface ApiTokenRepository extends MongoRepository<ApiToken, String> {

	Optional<ApiToken> findByHash(String hash);

	List<ApiToken> findAllByOrderByCreatedAsc();

}
