package dev.pyapp.server.mount.internal;

import dev.pyapp.server.mount.WebServerKind;

/**
 * Writes the configuration of one kind of web server.
 */
public interface ConfigRenderer {

	WebServerKind kind();

	/**
	 * The virtual servers only: the file a system web server includes (nginx: in the
	 * {@code http} context; Apache and lighttpd: at the top level).
	 * @param model what to serve
	 * @param settings how
	 * @return the configuration text
	 */
	String sites(RenderModel model, RenderSettings settings);

	/**
	 * A complete, self-contained configuration for the managed instance, with the virtual
	 * servers inline.
	 * @param model what to serve
	 * @param settings how
	 * @return the configuration text
	 */
	String main(RenderModel model, RenderSettings settings);

	/**
	 * The listen address as the web server writes it.
	 * @param listen {@code HOST:PORT}
	 * @return the address ({@code *} becomes all IPv4 interfaces)
	 */
	static String address(String listen) {
		return listen.startsWith("*:") ? "0.0.0.0" + listen.substring(1) : listen;
	}

}
