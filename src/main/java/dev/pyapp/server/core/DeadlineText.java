package dev.pyapp.server.core;

/**
 * Text that gives up once a deadline has passed (used for operator- and app-supplied
 * patterns in config validation, log searches and notification rules): a regular
 * expression reads its input only through {@link #charAt}, so a pattern that backtracks
 * catastrophically (such as {@code ^(\w+)*\1x$}) is stopped there instead of holding a
 * thread for hours.
 */
public final class DeadlineText implements CharSequence {

	private final CharSequence text;

	private final long deadline;

	private int reads;

	/**
	 * @param text the text
	 * @param deadline the {@link System#nanoTime()} after which reading fails
	 */
	public DeadlineText(CharSequence text, long deadline) {
		this.text = text;
		this.deadline = deadline;
	}

	@Override
	public char charAt(int index) {
		// nanoTime is cheap, but not free: look at the clock every 256 reads
		if ((++this.reads & 0xFF) == 0 && System.nanoTime() - this.deadline > 0) {
			throw new TimeoutException();
		}
		return this.text.charAt(index);
	}

	@Override
	public int length() {
		return this.text.length();
	}

	@Override
	public CharSequence subSequence(int start, int end) {
		return new DeadlineText(this.text.subSequence(start, end), this.deadline);
	}

	@Override
	public String toString() {
		return this.text.toString();
	}

	/**
	 * The deadline passed while a pattern was reading the text.
	 */
	public static final class TimeoutException extends RuntimeException {

		TimeoutException() {
			super("pattern matching ran out of time", null, false, false);
		}

	}

}
