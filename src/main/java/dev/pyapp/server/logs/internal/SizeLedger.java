package dev.pyapp.server.logs.internal;

/**
 * The ids and sizes of the records in one emulated capped collection, oldest first, so
 * that trimming needs no scan of the collection.
 */
final class SizeLedger {

	private long[] ids = new long[1024];

	private int[] sizes = new int[1024];

	private int head;

	private int count;

	private long total;

	void add(long id, int size) {
		if (this.count == this.ids.length) {
			grow();
		}
		int slot = (this.head + this.count) % this.ids.length;
		this.ids[slot] = id;
		this.sizes[slot] = size;
		this.count++;
		this.total += size;
	}

	long total() {
		return this.total;
	}

	int count() {
		return this.count;
	}

	/**
	 * Forgets the oldest records until the total is at most {@code target}.
	 * @param target the size to get down to
	 * @return the id of the newest record forgotten, or {@code -1} if none was
	 */
	long trimTo(long target) {
		long cutoff = -1;
		while (this.count > 0 && this.total > target) {
			cutoff = this.ids[this.head];
			this.total -= this.sizes[this.head];
			this.head = (this.head + 1) % this.ids.length;
			this.count--;
		}
		return cutoff;
	}

	private void grow() {
		long[] newIds = new long[this.ids.length * 2];
		int[] newSizes = new int[this.ids.length * 2];
		for (int i = 0; i < this.count; i++) {
			int slot = (this.head + i) % this.ids.length;
			newIds[i] = this.ids[slot];
			newSizes[i] = this.sizes[slot];
		}
		this.ids = newIds;
		this.sizes = newSizes;
		this.head = 0;
	}

}
