package dev.pyapp.server.logs.internal;

import java.util.ArrayList;
import java.util.List;

import org.bson.BsonBinaryWriter;
import org.bson.BsonReader;
import org.bson.BsonWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogRecord;

/**
 * How a {@link LogRecord} is written to MongoDB (read back by
 * {@link LogDocuments#toRecord}): straight to BSON bytes ({@link #toBson}), so that on
 * the ingest path no {@link Document} is built, no codec is looked up per field, and the
 * encoding can happen on another thread than the insert. Fields: {@code _id},
 * {@code time}, {@code app}, {@code release}, {@code level}, {@code lv}, {@code logger},
 * {@code message}, {@code exception}, {@code pid}, {@code thread}, {@code path} and the
 * estimated size {@code sz}; absent values are stored as {@code null}.
 */
final class LogRecordCodec implements Codec<LogRecord> {

	private static final DocumentCodec DOCUMENTS = new DocumentCodec();

	private static final LogRecordCodec INSTANCE = new LogRecordCodec();

	private static final EncoderContext CONTEXT = EncoderContext.builder().build();

	/**
	 * Encodes records to BSON bytes, ready to be sent as they are: one buffer for all of
	 * them, each document a view of its part.
	 * @param records the records
	 * @return their documents, in the same order
	 */
	static List<RawBsonDocument> toBson(List<LogRecord> records) {
		int estimate = 0;
		for (LogRecord record : records) {
			estimate += 64 + LogDocuments.estimateSize(record);
		}
		BasicOutputBuffer buffer = new BasicOutputBuffer(estimate);
		int[] ends = new int[records.size()];
		try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
			for (int i = 0; i < records.size(); i++) {
				INSTANCE.encode(writer, records.get(i), CONTEXT);
				ends[i] = buffer.getPosition();
			}
		}
		byte[] bytes = buffer.getInternalBuffer();
		List<RawBsonDocument> documents = new ArrayList<>(records.size());
		int start = 0;
		for (int end : ends) {
			documents.add(new RawBsonDocument(bytes, start, end - start));
			start = end;
		}
		return documents;
	}

	@Override
	public void encode(BsonWriter writer, LogRecord record, EncoderContext context) {
		writer.writeStartDocument();
		writer.writeInt64("_id", record.id());
		writer.writeDateTime("time", record.time().toEpochMilli());
		string(writer, "app", record.app());
		string(writer, "release", record.release());
		writer.writeString("level", record.level().name());
		writer.writeInt32("lv", record.level().number());
		string(writer, "logger", record.logger());
		string(writer, "message", record.message());
		string(writer, "exception", record.exception());
		if (record.pid() != null) {
			writer.writeInt32("pid", record.pid());
		}
		else {
			writer.writeNull("pid");
		}
		string(writer, "thread", record.thread());
		string(writer, "path", record.path());
		if (record.node() != null) {
			// only records pulled from a node's agent name it
			writer.writeString("node", record.node());
		}
		writer.writeInt32("sz", LogDocuments.estimateSize(record));
		writer.writeEndDocument();
	}

	private static void string(BsonWriter writer, String name, @Nullable String value) {
		if (value != null) {
			writer.writeString(name, value);
		}
		else {
			writer.writeNull(name);
		}
	}

	@Override
	public LogRecord decode(BsonReader reader, DecoderContext context) {
		return LogDocuments.toRecord(DOCUMENTS.decode(reader, context));
	}

	@Override
	public Class<LogRecord> getEncoderClass() {
		return LogRecord.class;
	}

}
