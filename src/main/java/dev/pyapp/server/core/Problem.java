package dev.pyapp.server.core;

import org.springframework.util.Assert;

/**
 * One thing wrong with an input: where ({@code path}, such as
 * {@code metadata.yaml: entry.wsgi} or {@code site.title}) and what a person should do
 * about it ({@code message}).
 *
 * @param path where the problem is
 * @param message what is wrong, and what was expected
 */
public record Problem(String path, String message) {

	public Problem {
		Assert.notNull(path, "'path' must not be null");
		Assert.hasText(message, "'message' must have text");
	}

	@Override
	public String toString() {
		return this.path.isEmpty() ? this.message : this.path + ": " + this.message;
	}

}
