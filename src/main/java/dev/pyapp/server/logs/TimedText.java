package dev.pyapp.server.logs;

/**
 * Text that stops a regular expression match once a deadline has passed: the matcher
 * reads every character through {@link #charAt(int)}, so even a catastrophically
 * backtracking pattern cannot run for longer than the search allows.
 */
final class TimedText implements CharSequence {

	private final CharSequence text;

	private final long deadline;

	private int reads;

	TimedText(CharSequence text, long deadline) {
		this.text = text;
		this.deadline = deadline;
	}

	@Override
	public char charAt(int index) {
		// reading the clock on every character would dominate a normal search
		if ((++this.reads & 0xFFF) == 0 && System.nanoTime() > this.deadline) {
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
		return new TimedText(this.text.subSequence(start, end), this.deadline);
	}

	@Override
	public String toString() {
		return this.text.toString();
	}

	/** The search ran out of time. */
	static final class TimeoutException extends RuntimeException {

		TimeoutException() {
			super("regular expression search ran out of time", null, false, false);
		}

	}

}
