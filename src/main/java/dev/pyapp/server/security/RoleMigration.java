package dev.pyapp.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Users and API tokens made before roles existed could do everything; on start they
 * become {@code admin}, so that an upgrade takes nothing away from anyone. Runs before
 * the web server accepts requests.
 */
@Component
class RoleMigration implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(RoleMigration.class);

	private final MongoOperations mongo;

	RoleMigration(MongoOperations mongo) {
		this.mongo = mongo;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Query unmigrated = Query.query(Criteria.where("role").exists(false));
		long users = this.mongo.updateMulti(unmigrated, Update.update("role", Role.ADMIN), UserAccount.class)
			.getModifiedCount();
		long tokens = this.mongo.updateMulti(unmigrated, Update.update("role", Role.ADMIN), ApiToken.class)
			.getModifiedCount();
		if (users + tokens > 0) {
			logger.info("Roles: {} user(s) and {} API token(s) from before roles are admins now", users, tokens);
		}
	}

}
