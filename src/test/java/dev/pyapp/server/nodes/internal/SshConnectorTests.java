package dev.pyapp.server.nodes.internal;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.PyappException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What adding a node says when its host cannot be reached: the Nodes page showed "cannot
 * connect to root@127.0.0.1:1: java.net.ConnectException: Connection refused".
 */
class SshConnectorTests {

	@Test
	void aRefusedConnectionIsSaidInWords() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		SshConnector.SshTarget target = new SshConnector.SshTarget("127.0.0.1", closed, "root", privateKey(), null);

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> SshConnector.connect(target, PinnedHostKey.firstContact(false), Duration.ofSeconds(5)))
			.withMessage("cannot connect to root@127.0.0.1:" + closed + ": connection refused");
	}

	@Test
	void anUnknownHostIsNamed() {
		JSchException ex = new JSchException("java.net.UnknownHostException: node.invalid",
				new UnknownHostException("node.invalid"));

		assertThat(SshConnector.reason(ex)).isEqualTo("unknown host node.invalid");
	}

	private static String privateKey() throws Exception {
		KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.RSA, 2048);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		pair.writePrivateKey(out);
		return out.toString(StandardCharsets.UTF_8);
	}

}
