package dev.pyapp.server.cli.internal;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CLI's JSON: trees of {@link JsonNode} read and written with jackson-core's
 * streaming parser and generator. The CLI only ever handles trees, so it does without a
 * {@code JsonMapper}, whose construction (serializer and deserializer caches, type
 * introspection, the java.time module: some 400 classes) took a good part of a command's
 * start-up. Reads like {@code JsonMapper.readTree} (integers as int, long or big integer
 * nodes, decimals as double nodes, the last of duplicate names wins, nothing may follow
 * the value); {@link #pretty} writes like its default pretty printer. Thread-safe.
 */
public final class JsonCodec {

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {

		@Override
		public PrettyPrinter getPrettyPrinter() {
			return new DefaultPrettyPrinter();
		}

		@Override
		public boolean hasPrettyPrinter() {
			return true;
		}

	};

	private final JsonFactory factory = new JsonFactory();

	public ObjectNode objectNode() {
		return nodes.objectNode();
	}

	JsonNodeFactory nodeFactory() {
		return nodes;
	}

	/**
	 * Reads one JSON value.
	 * @param text the JSON text
	 * @return the value, or a missing node when the text holds only whitespace
	 * @throws JacksonException if the text is not JSON or something follows the value
	 */
	public JsonNode read(String text) {
		try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), text)) {
			JsonToken token = parser.nextToken();
			if (token == null) {
				return nodes.missingNode();
			}
			JsonNode value = value(parser, token);
			JsonToken trailing = parser.nextToken();
			if (trailing != null) {
				throw new StreamReadException(parser,
						"Trailing token (of type " + trailing + ") found after value (bound as JsonNode)");
			}
			return value;
		}
	}

	private JsonNode value(JsonParser parser, JsonToken token) {
		switch (token) {
			case START_OBJECT -> {
				ObjectNode object = nodes.objectNode();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
					String name = parser.currentName();
					object.set(name, value(parser, parser.nextToken()));
				}
				return object;
			}
			case START_ARRAY -> {
				ArrayNode array = nodes.arrayNode();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					array.add(value(parser, next));
				}
				return array;
			}
			case VALUE_STRING -> {
				return nodes.stringNode(parser.getString());
			}
			case VALUE_NUMBER_INT -> {
				return switch (parser.getNumberType()) {
					case INT -> nodes.numberNode(parser.getIntValue());
					case LONG -> nodes.numberNode(parser.getLongValue());
					default -> nodes.numberNode(parser.getBigIntegerValue());
				};
			}
			case VALUE_NUMBER_FLOAT -> {
				return nodes.numberNode(parser.getDoubleValue());
			}
			case VALUE_TRUE -> {
				return nodes.booleanNode(true);
			}
			case VALUE_FALSE -> {
				return nodes.booleanNode(false);
			}
			case VALUE_NULL -> {
				return nodes.nullNode();
			}
			default -> throw new StreamReadException(parser, "Unexpected token " + token);
		}
	}

	/**
	 * Writes a tree compactly.
	 * @param node the tree
	 * @return its JSON text
	 */
	public String write(JsonNode node) {
		return write(node, ObjectWriteContext.empty());
	}

	/**
	 * Writes a tree with the default pretty printer (two-space indent, {@code " : "}).
	 * @param node the tree
	 * @return its JSON text
	 */
	public String pretty(JsonNode node) {
		return write(node, PRETTY);
	}

	private String write(JsonNode node, ObjectWriteContext context) {
		StringWriter out = new StringWriter();
		try (JsonGenerator generator = this.factory.createGenerator(context, out)) {
			write(generator, node);
		}
		return out.toString();
	}

	private static void write(JsonGenerator generator, JsonNode node) {
		switch (node.getNodeType()) {
			case OBJECT -> {
				generator.writeStartObject();
				for (Map.Entry<String, JsonNode> property : node.properties()) {
					generator.writeName(property.getKey());
					write(generator, property.getValue());
				}
				generator.writeEndObject();
			}
			case ARRAY -> {
				generator.writeStartArray();
				for (JsonNode element : node.values()) {
					write(generator, element);
				}
				generator.writeEndArray();
			}
			case STRING -> generator.writeString(node.stringValue());
			case NUMBER -> writeNumber(generator, node);
			case BOOLEAN -> generator.writeBoolean(node.booleanValue());
			case BINARY -> generator.writeBinary(node.binaryValue());
			case NULL, MISSING -> generator.writeNull();
			default -> generator.writeString(node.asString());
		}
	}

	private static void writeNumber(JsonGenerator generator, JsonNode node) {
		switch (node.numberType()) {
			case INT -> generator.writeNumber(node.intValue());
			case LONG -> generator.writeNumber(node.longValue());
			case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
			case FLOAT -> generator.writeNumber(node.floatValue());
			case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
			default -> generator.writeNumber(node.doubleValue());
		}
	}

	/**
	 * A plain Java value as a tree: what SnakeYAML and the commands' params hold
	 * (strings, numbers, booleans, lists, sets, maps, byte arrays, {@code null}).
	 * @param value the value
	 * @return the tree
	 * @throws IllegalArgumentException for any other type
	 */
	public JsonNode valueToTree(@Nullable Object value) {
		if (value == null) {
			return nodes.nullNode();
		}
		if (value instanceof JsonNode node) {
			return node;
		}
		if (value instanceof String text) {
			return nodes.stringNode(text);
		}
		if (value instanceof Boolean flag) {
			return nodes.booleanNode(flag);
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return nodes.numberNode(((Number) value).intValue());
		}
		if (value instanceof Long number) {
			return nodes.numberNode(number.longValue());
		}
		if (value instanceof BigInteger number) {
			return nodes.numberNode(number);
		}
		if (value instanceof BigDecimal number) {
			return nodes.numberNode(number);
		}
		if (value instanceof Float number) {
			return nodes.numberNode(number.floatValue());
		}
		if (value instanceof Double number) {
			return nodes.numberNode(number.doubleValue());
		}
		if (value instanceof byte[] bytes) {
			return nodes.binaryNode(bytes);
		}
		if (value instanceof Collection<?> collection) {
			ArrayNode array = nodes.arrayNode();
			collection.forEach((element) -> array.add(valueToTree(element)));
			return array;
		}
		if (value instanceof Map<?, ?> map) {
			ObjectNode object = nodes.objectNode();
			map.forEach((key, element) -> object.set(String.valueOf(key), valueToTree(element)));
			return object;
		}
		throw new IllegalArgumentException("cannot convert a " + value.getClass().getName() + " to JSON");
	}

}
