package dev.pyapp.server.runtime.internal;

import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DaemonRecord} moved from {@code runtime} to {@code runtime.internal}: the
 * documents in {@code daemons} written before name the old class in {@code _class}. They
 * still read (a {@code _class} that names no class falls back to the type asked for), and
 * new writes name the new class.
 */
class DaemonRecordMappingTests {

	private final MappingMongoConverter converter = converter();

	@Test
	void aRecordWrittenBeforeTheMoveStillReads() {
		Instant started = Instant.parse("2026-12-01T10:00:00Z");
		Document stored = new Document("_id", "guestbook").append("running", true)
			.append("release", "1.0.0-20261201T095900Z")
			.append("pid", 4242L)
			.append("port", 20001)
			.append("started", java.util.Date.from(started))
			.append("restarts", 2)
			.append("lastExit", 1)
			.append("failed", false)
			.append("server", "uwsgi")
			.append("_class", "dev.pyapp.server.runtime.DaemonRecord");

		DaemonRecord record = this.converter.read(DaemonRecord.class, stored);

		assertThat(record).isEqualTo(new DaemonRecord("guestbook", true, "1.0.0-20261201T095900Z", 4242L, 20001,
				started, 2, 1, null, false, "uwsgi"));
	}

	@Test
	void aNewWriteNamesTheMovedClass() {
		Document written = new Document();
		this.converter.write(new DaemonRecord("guestbook", false, null, null, null, null, 0, null, null, false, null),
				written);

		assertThat(written.get("_class")).isEqualTo(DaemonRecord.class.getName());
		assertThat(this.converter.read(DaemonRecord.class, written).app()).isEqualTo("guestbook");
	}

	private static MappingMongoConverter converter() {
		MongoCustomConversions conversions = new MongoCustomConversions(List.of());
		MongoMappingContext context = new MongoMappingContext();
		context.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
		context.afterPropertiesSet();
		MappingMongoConverter converter = new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, context);
		converter.setCustomConversions(conversions);
		converter.afterPropertiesSet();
		return converter;
	}

}
