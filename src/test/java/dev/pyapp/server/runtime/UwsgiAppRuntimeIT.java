package dev.pyapp.server.runtime;

/**
 * The runtime contract of {@link AbstractAppRuntimeIT} on uWSGI (Debian's uwsgi-core and
 * uwsgi-plugin-python3): every environment is built with the interpreter its plugin
 * embeds, and the daemons speak the uwsgi protocol.
 */
class UwsgiAppRuntimeIT extends AbstractAppRuntimeIT {

	@Override
	String server() {
		return "uwsgi";
	}

	@Override
	WireProtocol protocol() {
		return WireProtocol.UWSGI;
	}

}
