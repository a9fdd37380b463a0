package dev.pyapp.server.rpc.internal;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /metrics} (SPEC §10): the Actuator's Prometheus scrape, at the path the
 * specification names. The text is written by the Prometheus client through the
 * Actuator's endpoint ({@code /actuator/prometheus} answers the same, with the same
 * bearer token); OpenMetrics when the scraper asks for it.
 */
@RestController
class MetricsController {

	private final PrometheusScrapeEndpoint endpoint;

	MetricsController(PrometheusScrapeEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@GetMapping("/metrics")
	ResponseEntity<byte[]> metrics(
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) @Nullable String accept) {
		PrometheusOutputFormat format = (accept != null && accept.contains("application/openmetrics-text"))
				? PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100 : PrometheusOutputFormat.CONTENT_TYPE_004;
		// no name filter (an empty set would include nothing)
		WebEndpointResponse<byte[]> scrape = this.endpoint.scrape(format, null);
		return ResponseEntity.status(scrape.getStatus())
			.contentType(MediaType.parseMediaType(format.getProducedMimeType().toString()))
			.body(scrape.getBody());
	}

}
