package dev.pyapp.server.cli.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The CLI's streaming JSON codec reads and writes exactly as the {@code JsonMapper} it
 * replaced.
 */
class JsonCodecTests {

	private static final String SAMPLE = """
			{"name": "guestbook", "port": 8000, "big": 12345678901, "huge": 123456789012345678901234567890,
			 "ratio": 0.25, "exp": 1e3, "on": true, "off": false, "none": null, "empty": {}, "list": [],
			 "nested": {"items": [1, "two", [3.5, {"x": "\\u00e9\\n\\"q\\""}]], "name": "a", "name": "b"},
			 "unicode": "caf\\u00e9 \\ud83d\\ude00"}
			""";

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final JsonCodec codec = new JsonCodec();

	@Test
	void readsTheSameTreeAsTheMapper() {
		JsonNode expected = this.mapper.readTree(SAMPLE);
		JsonNode read = this.codec.read(SAMPLE);
		assertThat(read).isEqualTo(expected);
		assertThat(read.get("port").isInt()).isTrue();
		assertThat(read.get("big").isLong()).isTrue();
		assertThat(read.get("huge").isBigInteger()).isTrue();
		assertThat(read.get("ratio").isDouble()).isTrue();
		assertThat(read.path("nested").path("name").asString()).isEqualTo("b");
	}

	@Test
	void writesLikeTheMapper() {
		JsonNode tree = this.mapper.readTree(SAMPLE);
		assertThat(this.codec.write(tree)).isEqualTo(this.mapper.writeValueAsString(tree));
		assertThat(this.codec.pretty(tree))
			.isEqualTo(this.mapper.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
	}

	@Test
	void rejectsWhatIsNotOneJsonValue() {
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("{\"a\": 1} {"));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("[1, 2"));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("hello"));
		assertThat(this.codec.read("  ").isMissingNode()).isTrue();
	}

	@Test
	void convertsPlainValuesLikeTheMapper() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("text", "x");
		value.put("int", 1);
		value.put("long", 1L << 40);
		value.put("big", new BigInteger("123456789012345678901234567890"));
		value.put("decimal", new BigDecimal("1.50"));
		value.put("double", 2.5d);
		value.put("flag", true);
		value.put("none", null);
		value.put("list", List.of(1, "a", List.of()));
		value.put("set", Set.of("only"));
		value.put("bytes", new byte[] { 1, 2, 3 });
		value.put("map", Map.of(1, "keys become strings"));
		assertThat(this.codec.write(this.codec.valueToTree(value))).isEqualTo(this.mapper.writeValueAsString(value));
	}

}
