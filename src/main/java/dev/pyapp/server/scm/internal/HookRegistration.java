package dev.pyapp.server.scm.internal;

import java.time.Instant;

import dev.pyapp.server.scm.HookProvider;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A post-commit hook as stored. The secret stays here: it is shown once, when the hook is
 * created.
 *
 * @param id the hook's id, the last segment of its URL
 * @param app the app it updates
 * @param provider who sends it
 * @param secret the shared secret
 * @param url the absolute URL given out at creation
 * @param created when it was created
 */
@Document("scm_hooks")
public record HookRegistration(@Id String id, String app, HookProvider provider, String secret, String url,
		Instant created) {

	@Override
	public String toString() {
		return "HookRegistration[id=" + this.id + ", app=" + this.app + ", provider=" + this.provider + "]";
	}

}
