package dev.pyapp.server.cli.internal;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RpcClientTests {

	private static URI archives(String endpoint) {
		return new RpcClient(URI.create(endpoint), "t", new JsonCodec()).archivesUri();
	}

	@Test
	void uploadsGoBesideTheRpcEndpoint() {
		assertThat(archives("http://127.0.0.1:8800/rpc")).hasToString("http://127.0.0.1:8800/api/archives");
		assertThat(archives("https://host.example/pyapp/rpc")).hasToString("https://host.example/pyapp/api/archives");
		assertThat(archives("http://127.0.0.1:8800/")).hasToString("http://127.0.0.1:8800/api/archives");
		assertThat(archives("http://127.0.0.1:8800")).hasToString("http://127.0.0.1:8800/api/archives");
	}

}
