package dev.pyapp.server.runtime;

/**
 * The runtime contract of {@link AbstractAppRuntimeIT} on gunicorn.
 */
class GunicornAppRuntimeIT extends AbstractAppRuntimeIT {

	@Override
	String server() {
		return "gunicorn";
	}

	@Override
	WireProtocol protocol() {
		return WireProtocol.HTTP;
	}

}
