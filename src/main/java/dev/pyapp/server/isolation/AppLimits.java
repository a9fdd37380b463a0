package dev.pyapp.server.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.LimitValues;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * An app's limits: what its {@code resources.limits} asks for, capped by the operator
 * ({@code apps.limits.set}, else {@code pyapp.runtime.limits.*}).
 */
@Component
class AppLimits {

	private final LimitsProperties defaults;

	private final AppIsolationRecords records;

	private final HostIsolation host;

	AppLimits(LimitsProperties defaults, AppIsolationRecords records, HostIsolation host) {
		this.defaults = defaults;
		this.records = records;
		this.host = host;
	}

	/**
	 * The limits in force for an app.
	 * @param app the app
	 * @param requested what its live release asks for
	 * @param ownUser whether it runs as a user of its own
	 * @return one status per limit, in the order of {@link HostIsolation#LIMITS}
	 */
	List<LimitStatus> resolve(AppId app, AppManifest.Limits requested, boolean ownUser) {
		AppIsolationRecord.Caps operator = this.records.findById(app.value())
			.map(AppIsolationRecord::caps)
			.orElse(null);
		AppIsolationRecord.Caps defaults = this.defaults.caps();
		Map<String, String> means = this.host.enforcement(ownUser);
		List<LimitStatus> result = new ArrayList<>();
		result.add(limit("memory", requested.memory(), (operator != null) ? operator.memory() : null, defaults.memory(),
				means));
		result.add(limit("processes", requested.processes(), (operator != null) ? operator.processes() : null,
				defaults.processes(), means));
		result.add(limit("open_files", requested.openFiles(), (operator != null) ? operator.openFiles() : null,
				defaults.openFiles(), means));
		result.add(limit("cpu", requested.cpu(), (operator != null) ? operator.cpus() : null, defaults.cpus(), means));
		return result;
	}

	private static LimitStatus limit(String name, @Nullable Number requested, @Nullable Number operator,
			@Nullable Number fallback, Map<String, String> means) {
		Number cap = (operator != null) ? operator : fallback;
		String capSource = (operator != null) ? "operator" : "default";
		Number value;
		String source;
		if (requested != null && (cap == null || requested.doubleValue() <= cap.doubleValue())) {
			value = requested;
			source = "app";
		}
		else if (cap != null) {
			value = cap;
			source = capSource;
		}
		else {
			value = null;
			source = "none";
		}
		return new LimitStatus(name, value, requested, cap, source,
				(value != null) ? means.getOrDefault(name, "none") : "none");
	}

	/**
	 * The limits for a process tree.
	 * @param limits the resolved limits
	 * @return the nodes' limits
	 */
	static Isolation.Limits toLimits(List<LimitStatus> limits) {
		Long memory = null;
		Integer processes = null;
		Integer openFiles = null;
		Double cpus = null;
		for (LimitStatus limit : limits) {
			Number value = limit.value();
			if (value == null) {
				continue;
			}
			switch (limit.name()) {
				case "memory" -> memory = value.longValue();
				case "processes" -> processes = value.intValue();
				case "open_files" -> openFiles = value.intValue();
				default -> cpus = value.doubleValue();
			}
		}
		return new Isolation.Limits(memory, processes, openFiles, cpus);
	}

	/**
	 * Sets the operator's caps of an app ({@code apps.limits.set}): given keys replace
	 * the earlier caps, {@code null} returns one to the default.
	 * @param app the app
	 * @param limits {@code memory} (bytes or a size such as {@code 512MB}),
	 * {@code processes}, {@code open_files}, {@code cpu}
	 * @throws PyappException ({@code INVALID}) naming every bad value; nothing changes
	 * then
	 */
	void setCaps(AppId app, Map<String, ?> limits) {
		List<Problem> problems = new ArrayList<>();
		AppIsolationRecord record = this.records.findById(app.value())
			.orElse(new AppIsolationRecord(app.value(), null, null, null, null));
		AppIsolationRecord.Caps caps = Optional.ofNullable(record.caps())
			.orElse(new AppIsolationRecord.Caps(null, null, null, null));
		Long memory = caps.memory();
		Integer processes = caps.processes();
		Integer openFiles = caps.openFiles();
		Double cpus = caps.cpus();
		for (Map.Entry<String, ?> entry : limits.entrySet()) {
			String path = "limits." + entry.getKey();
			Object value = entry.getValue();
			try {
				switch (entry.getKey()) {
					case "memory" -> memory = (value == null) ? null : (value instanceof Number number)
							? LimitValues.checkMemory(number.longValue()) : LimitValues.memory(String.valueOf(value));
					case "processes" -> processes = (value == null) ? null : LimitValues.processes(integer(value));
					case "open_files" -> openFiles = (value == null) ? null : LimitValues.openFiles(integer(value));
					case "cpu" -> cpus = (value == null) ? null : LimitValues.cpus(number(value));
					default ->
						problems.add(new Problem(path, "unknown limit; expected memory, processes, open_files or cpu"));
				}
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem(path, ex.getMessage()));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid limits", problems);
		}
		AppIsolationRecord.Caps updated = new AppIsolationRecord.Caps(memory, processes, openFiles, cpus);
		this.records.save(record.withCaps(updated.isEmpty() ? null : updated));
	}

	private static long integer(Object value) {
		if (value instanceof Integer || value instanceof Long) {
			return ((Number) value).longValue();
		}
		throw new IllegalArgumentException("expected an integer; found '" + value + "'");
	}

	private static double number(Object value) {
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		throw new IllegalArgumentException("expected a number of cores such as 1.5; found '" + value + "'");
	}

}
