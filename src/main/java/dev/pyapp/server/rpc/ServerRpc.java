package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyapp.server.core.PyappHome;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code server.info}.
 */
@RpcEndpoint
class ServerRpc {

	private final PyappHome home;

	private final ObjectProvider<BuildProperties> build;

	ServerRpc(PyappHome home, ObjectProvider<BuildProperties> build) {
		this.home = home;
		this.build = build;
	}

	@RpcMethod("server.info")
	Map<String, Object> info() {
		Map<String, Object> info = new LinkedHashMap<>();
		BuildProperties properties = this.build.getIfAvailable();
		String version = (properties != null) ? properties.getVersion()
				: ServerRpc.class.getPackage().getImplementationVersion();
		info.put("version", (version != null) ? version : "development");
		info.put("home", this.home.root().toString());
		info.put("java", System.getProperty("java.version"));
		return info;
	}

}
