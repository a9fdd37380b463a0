package dev.pyapp.server.rpc.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.Provisioning;
import dev.pyapp.server.venv.PythonInterpreter;
import dev.pyapp.server.venv.VenvBuilder;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.mock.env.MockEnvironment;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static dev.pyapp.server.rpc.RpcJson.mapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The JSON of {@code server.info} and {@code server.stop}.
 */
class ServerRpcTests {

	private final VenvBuilder venvs = mock(VenvBuilder.class);

	private final MountManager mounts = mock(MountManager.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	private final ServerExit exit = mock(ServerExit.class);

	private final MockEnvironment environment = new MockEnvironment();

	private final ServerRpc rpc = new ServerRpc(home(), build(), this.venvs, this.mounts, this.supervisor, this.exit,
			this.environment);

	@Test
	void serverInfo() {
		given(this.venvs.interpreters()).willReturn(
				List.of(new PythonInterpreter(Path.of("/usr/bin/python3.12"), "3.12.1", null, "cpython", "cp312")));
		given(this.venvs.provisioning()).willReturn(new Provisioning("ready", "23.0.0", null, null));
		given(this.mounts.status()).willReturn(MountsRpcTests.running());
		this.environment.setProperty("pyapp.dropbox.enabled", "false");
		ObjectNode info = (ObjectNode) mapper.readTree(mapper.writeValueAsString(this.rpc.info()));
		assertThat(info.get("java").stringValue()).isEqualTo(System.getProperty("java.version"));
		assertThat(info.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
		assertThat(info.get("started").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		info.put("java", "J").put("pid", 1).put("started", "S");
		assertJson(info,
				"{'version':'1.2.3','home':'/srv/pyapp','java':'J',"
						+ "'python':[{'version':'3.12.1','path':'/usr/bin/python3.12'}],"
						+ "'gunicorn':{'state':'ready','gunicorn':'23.0.0','message':null,'log':null},"
						+ "'webserver':{'kind':'nginx','managed':true,'state':'running','pid':4242,"
						+ "'config':'/home/webserver/nginx.conf','applied':'2026-01-02T03:04:05Z','message':null},"
						+ "'pid':1,'dropbox':{'path':'/srv/pyapp/dropbox','watched':false},'started':'S'}");
	}

	@Test
	void serverStopKeepsTheAppsRunning() {
		ObjectNode result = (ObjectNode) mapper
			.readTree(mapper.writeValueAsString(this.rpc.stop(new ServerRpc.StopParams(null))));
		assertThat(result.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
		result.put("pid", 1);
		assertJson(result, "{'pid':1,'all':false,'apps':[],'webserver':'keeps running'}");
		verify(this.exit).soon();
	}

	@Test
	void serverStopAllStopsTheAppsAndTheManagedWebServer() {
		given(this.supervisor.stopDaemons()).willReturn(List.of("blog", "shop"));
		given(this.mounts.status()).willReturn(MountsRpcTests.running());
		ObjectNode result = (ObjectNode) mapper
			.readTree(mapper.writeValueAsString(this.rpc.stop(new ServerRpc.StopParams(true))));
		result.put("pid", 1);
		assertJson(result, "{'pid':1,'all':true,'apps':['blog','shop'],'webserver':'stopped'}");
		verify(this.mounts).stop();
	}

	// a mock: a real one would create its directories
	private static PyappHome home() {
		PyappHome home = mock(PyappHome.class);
		given(home.root()).willReturn(Path.of("/srv/pyapp"));
		given(home.dropbox()).willReturn(Path.of("/srv/pyapp/dropbox"));
		return home;
	}

	@SuppressWarnings("unchecked")
	private static ObjectProvider<BuildProperties> build() {
		Properties properties = new Properties();
		properties.setProperty("version", "1.2.3");
		ObjectProvider<BuildProperties> provider = mock(ObjectProvider.class);
		given(provider.getIfAvailable()).willReturn(new BuildProperties(properties));
		return provider;
	}

}
