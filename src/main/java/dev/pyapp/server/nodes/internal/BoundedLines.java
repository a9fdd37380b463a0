package dev.pyapp.server.nodes.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The lines of a command's output, as {@link BufferedReader#readLine()} gives them
 * ({@code \n}, {@code \r} or {@code \r\n} end one) but never longer than
 * {@link #MAX_LINE} characters: a longer line comes as several. The output is an app's (a
 * hook, a task, {@code apps.run}, a build): a single line of gigabytes without a newline
 * must not be held whole in the server's memory.
 */
public final class BoundedLines implements AutoCloseable {

	/** The longest line given, in characters. */
	public static final int MAX_LINE = 64 * 1024;

	private final Reader reader;

	private final StringBuilder line = new StringBuilder();

	private boolean afterReturn;

	private boolean afterCut;

	public BoundedLines(InputStream in) {
		this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
	}

	/**
	 * The next line, without its end.
	 * @return the line, or null at the end of the output
	 * @throws IOException if it cannot be read
	 */
	public @Nullable String readLine() throws IOException {
		this.line.setLength(0);
		int c;
		while ((c = this.reader.read()) >= 0) {
			boolean newline = c == '\n';
			boolean cut = this.afterCut;
			this.afterCut = false;
			if (newline && this.afterReturn) {
				this.afterReturn = false;
				continue;
			}
			this.afterReturn = c == '\r';
			if (newline || c == '\r') {
				if (cut) {
					// the end of a line given already in parts
					continue;
				}
				return this.line.toString();
			}
			this.line.append((char) c);
			if (this.line.length() >= MAX_LINE) {
				this.afterCut = true;
				return this.line.toString();
			}
		}
		return (this.line.length() > 0) ? this.line.toString() : null;
	}

	@Override
	public void close() throws IOException {
		this.reader.close();
	}

}
