package dev.pyapp.server.logs;

import java.util.Map;

/**
 * What one app process counted about its requests since its previous report, as the
 * {@code pyapp_runtime} WSGI middleware ships it beside its log records (the
 * {@code metrics} member of a batch, see {@link LogSocketServer}). Deltas: the receiver
 * adds them up.
 *
 * @param app the app the report came from
 * @param statuses requests by HTTP status code (100 to 599)
 * @param bounds the upper bounds, in seconds, of the latency buckets
 * @param buckets requests per latency bucket (not cumulative); one more than
 * {@code bounds}, the last for requests slower than the last bound
 * @param sum the sum of the requests' durations in seconds
 */
public record RequestMetrics(String app, Map<Integer, Long> statuses, double[] bounds, long[] buckets, double sum) {

	/** The most status codes one report may name. */
	static final int MAX_STATUSES = 64;

	/** The most latency buckets one report may have. */
	static final int MAX_BUCKETS = 64;

	/** The largest count of one status or bucket in one report. */
	static final long MAX_COUNT = 1_000_000_000L;

}
