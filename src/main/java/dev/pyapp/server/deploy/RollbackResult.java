package dev.pyapp.server.deploy;

import dev.pyapp.server.install.Release;

/**
 * What {@link AppDeployer#rollback} did. A "rollback" may return to a newer release too
 * (after an earlier rollback), so what it says about the data depends on the direction.
 *
 * @param from the release live before
 * @param live the release live now
 */
public record RollbackResult(Release from, Release live) {

	/**
	 * What the rollback means for the data: the code changes, the data does not.
	 * @return one sentence naming both releases and whether the live one is older or
	 * newer
	 */
	public String note() {
		if (this.live.created().isBefore(this.from.created())) {
			return "release " + this.live.releaseId() + " is older than " + this.from.releaseId()
					+ ": a rollback returns to older code, not to older data: data/ and the databases stay as "
					+ this.from.releaseId() + " left them (migrations it ran are not reversed)";
		}
		return "release " + this.live.releaseId() + " is newer than " + this.from.releaseId()
				+ ": a rollback changes the code, not the data: data/ and the databases stay as they are "
				+ "(no update hooks run, so a migration reversed since " + this.live.releaseId()
				+ " was live is not applied again)";
	}

}
