package dev.pyapp.server.venv;

import java.util.function.Predicate;

import org.springframework.util.Assert;

/**
 * What a release's interpreter must be beyond the app's {@code python:} specifier: an app
 * server that embeds its own Python (uWSGI) serves only environments made with a matching
 * one.
 *
 * @param source what asks for it, as an error path (such as
 * {@code metadata.yaml: daemon.server})
 * @param description what it needs, in words (such as {@code uWSGI's python3 plugin
 * embeds Python 3.11.2})
 * @param accepts whether an interpreter will do
 */
public record InterpreterConstraint(String source, String description, Predicate<PythonInterpreter> accepts) {

	public InterpreterConstraint {
		Assert.hasText(source, "'source' must have text");
		Assert.hasText(description, "'description' must have text");
		Assert.notNull(accepts, "'accepts' must not be null");
	}

}
