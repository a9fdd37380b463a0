package dev.pyapp.server.runtime;

/**
 * How many workers and threads a release's daemon runs with: what its
 * {@code metadata.yaml} asks for, unless the operator scaled the app
 * ({@code apps.scale}).
 *
 * @param workers worker processes
 * @param threads threads per worker (1 for {@code daemon.method: processes})
 * @param workersScaled whether {@code workers} is the operator's
 * @param threadsScaled whether {@code threads} is the operator's
 * @param threading whether the release's {@code daemon.method} is {@code threading} (its
 * threads can be scaled)
 */
public record AppScale(int workers, int threads, boolean workersScaled, boolean threadsScaled, boolean threading) {

	/**
	 * Where the counts come from.
	 * @return {@code operator} when either is the operator's, else {@code app}
	 */
	public String source() {
		return (this.workersScaled || this.threadsScaled) ? "operator" : "app";
	}

}
