package dev.pyapp.server.cli.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * One log record as text: {@code time LEVEL app logger: message}, the exception indented
 * below. Levels are coloured (ANSI) only when asked to, i.e. on a terminal without
 * {@code NO_COLOR}.
 */
public final class LogFormatter {

	public static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

	private static final String RESET = "\u001b[0m";

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final boolean colour;

	public LogFormatter(boolean colour) {
		this.colour = colour;
	}

	public String format(JsonNode record) {
		String level = Text.cell(record, "level").toUpperCase(Locale.ROOT);
		StringBuilder line = new StringBuilder();
		line.append(time(Text.cell(record, "time"))).append(' ');
		String padded = String.format("%-8s", level);
		line.append(this.colour ? colour(level) + padded.strip() + RESET + padded.substring(padded.strip().length())
				: padded);
		line.append(' ').append(Text.cell(record, "app"));
		line.append(' ').append(Text.cell(record, "logger")).append(": ");
		JsonNode message = Text.field(record, "message");
		line.append(indented((message != null && message.isString()) ? message.stringValue() : Text.cell(message)));
		JsonNode exception = Text.field(record, "exception");
		if (exception != null && exception.isString() && !exception.stringValue().isBlank()) {
			for (String exceptionLine : exception.stringValue().stripTrailing().split("\\R")) {
				line.append("\n    ").append(Text.clean(exceptionLine));
			}
		}
		return line.toString();
	}

	/**
	 * One format for every record, whatever precision the server sent:
	 * {@code 2024-05-01T12:00:00.120Z}.
	 */
	static String time(String iso) {
		try {
			return TIME.format(Instant.parse(iso));
		}
		catch (DateTimeParseException ex) {
			return iso;
		}
	}

	/** A multi-line message keeps its lines, indented below the first. */
	private static String indented(String message) {
		String[] lines = message.stripTrailing().split("\\R");
		StringBuilder text = new StringBuilder(Text.clean(lines[0]));
		for (int i = 1; i < lines.length; i++) {
			text.append("\n    ").append(Text.clean(lines[i]));
		}
		return text.toString();
	}

	private static String colour(String level) {
		switch (level) {
			case "DEBUG":
				return "\u001b[2m";
			case "INFO":
				return "\u001b[32m";
			case "WARNING":
				return "\u001b[33m";
			case "ERROR":
				return "\u001b[31m";
			case "CRITICAL":
				return "\u001b[1;31m";
			default:
				return "";
		}
	}

	/**
	 * The rank of a level (DEBUG 0 ... CRITICAL 4), for minimum-level filters.
	 * @param level the level's name
	 * @return the rank, or -1 if unknown
	 */
	public static int rank(String level) {
		return LEVELS.indexOf(level.toUpperCase(Locale.ROOT));
	}

}
