package dev.pyapp.server.cli.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain text table: a header row and left-aligned columns two spaces apart.
 */
public final class Table {

	private final List<String> headers;

	private final List<List<String>> rows = new ArrayList<>();

	public Table(String... headers) {
		this.headers = List.of(headers);
	}

	public Table row(String... cells) {
		List<String> row = new ArrayList<>(Arrays.asList(cells));
		while (row.size() < this.headers.size()) {
			row.add(Text.NONE);
		}
		this.rows.add(row);
		return this;
	}

	boolean isEmpty() {
		return this.rows.isEmpty();
	}

	/**
	 * Prints the table, or only {@code empty} when it has no rows.
	 * @param out where to print
	 * @param indent what to put before every line
	 * @param empty the line printed instead of an empty table
	 */
	public void print(PrintWriter out, String indent, String empty) {
		if (this.rows.isEmpty()) {
			out.println(indent + empty);
			return;
		}
		int[] widths = new int[this.headers.size()];
		measure(this.headers, widths);
		this.rows.forEach((row) -> measure(row, widths));
		line(out, indent, this.headers, widths);
		this.rows.forEach((row) -> line(out, indent, row, widths));
	}

	public void print(PrintWriter out, String empty) {
		print(out, "", empty);
	}

	private static void measure(List<String> row, int[] widths) {
		for (int i = 0; i < widths.length; i++) {
			widths[i] = Math.max(widths[i], row.get(i).length());
		}
	}

	private static void line(PrintWriter out, String indent, List<String> row, int[] widths) {
		StringBuilder line = new StringBuilder(indent);
		for (int i = 0; i < widths.length; i++) {
			line.append(row.get(i));
			if (i < widths.length - 1) {
				line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
			}
		}
		out.println(line.toString().stripTrailing());
	}

}
