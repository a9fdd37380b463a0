package dev.pyapp.server.hooks;

import java.nio.charset.StandardCharsets;

/**
 * The output of an app process the server runs ({@code apps.run}, a task): its end kept
 * up to the bound for the result, its start logged up to the bound, line by line.
 */
final class ProcessOutput {

	private final long limit;

	private final java.util.function.Consumer<String> logged;

	private final StringBuilder text = new StringBuilder();

	private long loggedBytes;

	private long unlogged;

	private boolean truncated;

	ProcessOutput(long limit, java.util.function.Consumer<String> logged) {
		this.limit = limit;
		this.logged = logged;
	}

	synchronized void line(String line) {
		long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1;
		if (this.loggedBytes + bytes <= this.limit) {
			this.loggedBytes += bytes;
			this.logged.accept(line);
		}
		else {
			this.unlogged += bytes;
		}
		this.text.append(line).append('\n');
		if (this.text.length() > this.limit) {
			int cut = this.text.length() - (int) this.limit;
			int newline = this.text.indexOf("\n", cut);
			this.text.delete(0, (newline >= 0) ? newline + 1 : cut);
			this.truncated = true;
		}
	}

	synchronized String text() {
		return this.text.toString();
	}

	synchronized boolean truncated() {
		return this.truncated;
	}

	synchronized long unlogged() {
		return this.unlogged;
	}

}
