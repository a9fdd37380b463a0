package dev.pyapp.server.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Reads one batch line of {@code logship} (see {@link LogSocketServer}) with the
 * streaming parser, straight into records: no tree per batch, one pass over the bytes.
 * Values of an unexpected type are read as a tree and kept as their JSON text, as before.
 */
final class BatchParser {

	private final JsonMapper mapper;

	BatchParser(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Parses a batch.
	 * @param line the bytes
	 * @param offset where the batch starts
	 * @param length its length, without the newline
	 * @return the batch, or {@code null} when more than one JSON value follows
	 * @throws JacksonException if the line is not JSON
	 */
	@Nullable Batch parse(byte[] line, int offset, int length) {
		try (JsonParser parser = this.mapper.createParser(line, offset, length)) {
			Batch batch = new Batch();
			JsonToken root = parser.nextToken();
			if (root == JsonToken.START_OBJECT) {
				fields(parser, batch);
			}
			else if (root != null && root.isStructStart()) {
				parser.skipChildren();
			}
			return (parser.nextToken() == null) ? batch : null;
		}
	}

	private void fields(JsonParser parser, Batch batch) {
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken token = parser.nextToken();
			switch (name) {
				case "app" -> batch.app = text(parser, token, 64);
				case "release" -> batch.release = text(parser, token, 128);
				case "pid" -> batch.pid = token.isNumeric() ? Integer.valueOf(parser.getValueAsInt()) : skip(parser);
				case "dropped" -> batch.dropped = asLong(parser, token);
				case "records" -> items(parser, token, batch);
				case "metrics" -> batch.metrics = metrics(parser, token);
				default -> parser.skipChildren();
			}
		}
	}

	private void items(JsonParser parser, JsonToken token, Batch batch) {
		batch.items.clear();
		if (token != JsonToken.START_ARRAY) {
			parser.skipChildren();
			return;
		}
		JsonToken next;
		while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (next != JsonToken.START_ARRAY) {
				parser.skipChildren();
				continue;
			}
			Item item = item(parser);
			if (item != null) {
				batch.items.add(item);
			}
		}
	}

	/**
	 * The request counts a batch carries ({@code pyapp_runtime.metrics}); every count is
	 * bounded, and a report that does not fit the bounds is dropped whole.
	 */
	private @Nullable Metrics metrics(JsonParser parser, JsonToken token) {
		if (token != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return null;
		}
		JsonNode tree = tree(parser);
		Map<Integer, Long> statuses = new TreeMap<>();
		JsonNode requests = tree.path("requests");
		if (!requests.isObject() || requests.size() > RequestMetrics.MAX_STATUSES) {
			return null;
		}
		for (Map.Entry<String, JsonNode> entry : requests.properties()) {
			int status;
			try {
				status = Integer.parseInt(entry.getKey());
			}
			catch (NumberFormatException ex) {
				continue;
			}
			long count = entry.getValue().asLong(-1);
			if (status >= 100 && status <= 599 && count > 0 && count <= RequestMetrics.MAX_COUNT) {
				statuses.merge(status, count, Long::sum);
			}
		}
		JsonNode le = tree.path("le");
		JsonNode counts = tree.path("buckets");
		double sum = tree.path("sum").asDouble(-1);
		if (!le.isArray() || !counts.isArray() || counts.size() != le.size() + 1
				|| counts.size() > RequestMetrics.MAX_BUCKETS || !(sum >= 0) || Double.isInfinite(sum)) {
			return null;
		}
		double[] bounds = new double[le.size()];
		for (int i = 0; i < bounds.length; i++) {
			bounds[i] = le.get(i).asDouble(Double.NaN);
			if (!(bounds[i] > 0) || (i > 0 && !(bounds[i] > bounds[i - 1])) || Double.isInfinite(bounds[i])) {
				return null;
			}
		}
		long[] buckets = new long[counts.size()];
		for (int i = 0; i < buckets.length; i++) {
			buckets[i] = counts.get(i).asLong(-1);
			if (buckets[i] < 0 || buckets[i] > RequestMetrics.MAX_COUNT) {
				return null;
			}
		}
		return new Metrics(statuses, bounds, buckets, sum);
	}

	/** One record's array; {@code null} when it has fewer than four elements. */
	private @Nullable Item item(JsonParser parser) {
		Item item = new Item();
		int index = 0;
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			switch (index) {
				case 0 -> item.seconds = asDouble(parser, token);
				case 1 -> item.level = asInt(parser, token, 20);
				case 2 -> item.logger = text(parser, token, 512);
				case 3 -> item.message = text(parser, token, LogSocketServer.MAX_MESSAGE);
				case 4 -> item.exception = text(parser, token, LogSocketServer.MAX_EXCEPTION);
				case 5 -> item.thread = text(parser, token, 256);
				case 6 -> item.path = text(parser, token, 4096);
				default -> parser.skipChildren();
			}
			index++;
		}
		return (index >= 4) ? item : null;
	}

	private @Nullable String text(JsonParser parser, JsonToken token, int max) {
		String text;
		if (token == JsonToken.VALUE_STRING) {
			text = parser.getString();
		}
		else if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		else {
			text = tree(parser).toString();
		}
		return (text.length() > max) ? text.substring(0, max) + " [truncated]" : text;
	}

	private static @Nullable Integer skip(JsonParser parser) {
		parser.skipChildren();
		return null;
	}

	private double asDouble(JsonParser parser, JsonToken token) {
		return token.isNumeric() ? parser.getDoubleValue() : tree(parser).asDouble();
	}

	private int asInt(JsonParser parser, JsonToken token, int otherwise) {
		return (token == JsonToken.VALUE_NUMBER_INT) ? parser.getValueAsInt() : tree(parser).asInt(otherwise);
	}

	private long asLong(JsonParser parser, JsonToken token) {
		return (token == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : tree(parser).asLong(0);
	}

	private JsonNode tree(JsonParser parser) {
		// one value in the middle of the batch: what follows it is the rest of the batch
		JsonNode node = this.mapper.readerFor(JsonNode.class)
			.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.readValue(parser);
		return (node != null) ? node : MissingNode.getInstance();
	}

	/**
	 * What one line holds; the fields around {@code records} may come in any order.
	 */
	static final class Batch {

		@Nullable String app;

		@Nullable String release;

		@Nullable Integer pid;

		long dropped;

		@Nullable Metrics metrics;

		final List<Item> items = new ArrayList<>();

		/**
		 * The request counts of the batch, for the app it came from.
		 * @param app the app
		 * @return the counts, or {@code null} when the batch carried none
		 */
		@Nullable RequestMetrics requestMetrics(@Nullable String app) {
			Metrics metrics = this.metrics;
			return (metrics != null && app != null)
					? new RequestMetrics(app, metrics.statuses(), metrics.bounds(), metrics.buckets(), metrics.sum())
					: null;
		}

		List<LogRecord> records() {
			List<LogRecord> records = new ArrayList<>(this.items.size() + 1);
			for (Item item : this.items) {
				double seconds = item.seconds;
				Instant time = Instant.ofEpochSecond((long) seconds, (long) ((seconds % 1) * 1_000_000_000L));
				records.add(new LogRecord(0, time, this.app, this.release, LogLevel.of(item.level),
						(item.logger != null) ? item.logger : "root", (item.message != null) ? item.message : "",
						item.exception, this.pid, item.thread, item.path));
			}
			return records;
		}

	}

	record Metrics(Map<Integer, Long> statuses, double[] bounds, long[] buckets, double sum) {
	}

	static final class Item {

		double seconds;

		int level = 20;

		@Nullable String logger;

		@Nullable String message;

		@Nullable String exception;

		@Nullable String thread;

		@Nullable String path;

	}

}
