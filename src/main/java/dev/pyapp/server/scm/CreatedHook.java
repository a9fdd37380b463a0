package dev.pyapp.server.scm;

/**
 * A new post-commit hook, the only time its secret is shown.
 *
 * @param id the hook's id
 * @param url the absolute URL to give the git host
 * @param secret the shared secret to give the git host
 */
public record CreatedHook(String id, String url, String secret) {

	@Override
	public String toString() {
		return "CreatedHook[id=" + this.id + ", url=" + this.url + ", secret=******]";
	}

}
