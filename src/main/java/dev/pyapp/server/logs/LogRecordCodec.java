package dev.pyapp.server.logs;

import org.bson.BsonReader;
import org.bson.BsonWriter;
import org.bson.Document;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.jspecify.annotations.Nullable;

import com.mongodb.MongoClientSettings;

/**
 * How a {@link LogRecord} is written to MongoDB (read back by
 * {@link LogDocuments#toRecord}): straight to BSON, so that on the ingest path no
 * {@link Document} is built and no codec is looked up per field. Fields: {@code _id},
 * {@code time}, {@code app}, {@code release}, {@code level}, {@code lv}, {@code logger},
 * {@code message}, {@code exception}, {@code pid}, {@code thread}, {@code path} and the
 * estimated size {@code sz}; absent values are stored as {@code null}.
 */
final class LogRecordCodec implements Codec<LogRecord> {

	/** The driver's codecs with this one added. */
	static final CodecRegistry REGISTRY = CodecRegistries.fromRegistries(
			CodecRegistries.fromCodecs(new LogRecordCodec()), MongoClientSettings.getDefaultCodecRegistry());

	private static final DocumentCodec DOCUMENTS = new DocumentCodec();

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
