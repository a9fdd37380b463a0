package dev.pyapp.server.logs;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BatchParserTests {

	private static final String LE = "[0.005,0.01,0.025,0.05,0.1,0.25,0.5,1.0,2.5,5.0,10.0]";

	private final BatchParser parser = new BatchParser(JsonMapper.builder().build());

	@Test
	void readsTheRequestMetricsBesideTheRecords() {
		BatchParser.Batch batch = parse("{\"app\":\"wiki\",\"pid\":7,\"records\":[[1.5,20,\"root\",\"hi\"]],"
				+ "\"metrics\":{\"requests\":{\"200\":3,\"404\":1},\"le\":" + LE
				+ ",\"buckets\":[3,1,0,0,0,0,0,0,0,0,0,0],\"sum\":0.012},\"dropped\":0}");
		RequestMetrics metrics = batch.requestMetrics("wiki");
		assertThat(metrics.statuses()).containsEntry(200, 3L).containsEntry(404, 1L);
		assertThat(metrics.buckets()).containsExactly(3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThat(metrics.sum()).isEqualTo(0.012);
		assertThat(batch.records()).hasSize(1);
	}

	@Test
	void dropsAReportOutsideItsBoundsButKeepsTheRecords() {
		BatchParser.Batch batch = parse("{\"app\":\"wiki\",\"metrics\":{\"requests\":{\"200\":3},\"le\":" + LE
				+ ",\"buckets\":[-3,0,0,0,0,0,0,0,0,0,0,0],\"sum\":1},\"records\":[[1.5,20,\"root\",\"hi\"]]}");
		assertThat(batch.requestMetrics("wiki")).isNull();
		assertThat(batch.records()).hasSize(1);
		assertThat(parse("{\"app\":\"wiki\",\"metrics\":{\"requests\":{\"999\":1,\"abc\":2,\"200\":5},\"le\":[1.0],"
				+ "\"buckets\":[5,0],\"sum\":0.5}}")
			.requestMetrics("wiki")
			.statuses()).containsOnlyKeys(200);
	}

	private BatchParser.Batch parse(String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		return this.parser.parse(bytes, 0, bytes.length);
	}

}
