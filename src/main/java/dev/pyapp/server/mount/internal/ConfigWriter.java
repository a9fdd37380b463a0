package dev.pyapp.server.mount.internal;

/**
 * Builds an indented configuration text line by line.
 */
final class ConfigWriter {

	private final StringBuilder text = new StringBuilder();

	private final String unit;

	private int depth;

	ConfigWriter(String unit) {
		this.unit = unit;
	}

	ConfigWriter line(String line) {
		this.text.append(this.unit.repeat(this.depth)).append(line).append('\n');
		return this;
	}

	ConfigWriter blank() {
		this.text.append('\n');
		return this;
	}

	ConfigWriter indent() {
		this.depth++;
		return this;
	}

	ConfigWriter outdent() {
		this.depth--;
		return this;
	}

	@Override
	public String toString() {
		return this.text.toString();
	}

}
