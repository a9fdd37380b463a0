package dev.pyapp.server.rpc;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the JSON of RPC results: a result is written with the mapper Spring Boot gives the
 * dispatcher and compared, member by member and then character by character (names,
 * order, and which members are present or {@code null}), with the expected JSON. The
 * expected text uses single quotes so that it reads as JSON in Java source.
 */
public final class RpcJson {

	/** The dispatcher's mapper: the one Boot's Jackson auto-configuration builds. */
	public static final JsonMapper mapper = bootMapper();

	private RpcJson() {
	}

	public static void assertJson(@Nullable Object result, String expected) {
		String json = expected.replace('\'', '"');
		// through text, as a client reads it (a long and an int of one value are equal)
		JsonNode actual = mapper.readTree(mapper.writeValueAsString(result));
		assertThat(actual).as("members of %s", actual).isEqualTo(mapper.readTree(json));
		assertThat(mapper.writeValueAsString(result)).isEqualTo(mapper.writeValueAsString(mapper.readTree(json)));
	}

	private static JsonMapper bootMapper() {
		AtomicReference<JsonMapper> mapper = new AtomicReference<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.run((context) -> mapper.set(context.getBean(JsonMapper.class)));
		return mapper.get();
	}

}
