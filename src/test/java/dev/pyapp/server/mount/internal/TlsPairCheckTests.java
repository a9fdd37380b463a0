package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.mount.VirtualServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What httpd's configuration test lets through and its reload then fails on (the whole
 * server ends): a certificate file that is none, a key that is not the certificate's, an
 * encrypted key. The files in {@code src/test/resources/mount/tls/} are throwaway
 * self-signed pairs made with openssl for these tests only.
 */
class TlsPairCheckTests {

	private static final Path TLS = Path.of("src/test/resources/mount/tls");

	@Test
	void acceptsACertificateWithItsKeyInEachFormatOpensslWrites() {
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), TLS.resolve("one.key"))).isNull();
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), TLS.resolve("one-pkcs1.key"))).isNull();
		assertThat(TlsPairCheck.problem(TLS.resolve("ec.pem"), TLS.resolve("ec.key"))).isNull();
	}

	@Test
	void refusesAFileThatIsNoCertificate(@TempDir Path dir) throws IOException {
		Path junk = Files.writeString(dir.resolve("cert.pem"), "junk\n");

		assertThat(TlsPairCheck.problem(junk, TLS.resolve("one.key"))).startsWith(junk + " holds no PEM certificate");
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), junk))
			.isEqualTo(junk + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
	}

	@Test
	void refusesTheKeyOfAnotherCertificate() {
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), TLS.resolve("two.key"))).isEqualTo("the private key "
				+ TLS.resolve("two.key") + " is not the key of the certificate " + TLS.resolve("one.pem"));
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), TLS.resolve("ec.key"))).contains("is not the key of");
		assertThat(TlsPairCheck.problem(TLS.resolve("ec.pem"), TLS.resolve("one-pkcs1.key")))
			.contains("is not the key of");
	}

	@Test
	void refusesAnEncryptedKey() {
		assertThat(TlsPairCheck.problem(TLS.resolve("one.pem"), TLS.resolve("one-encrypted.key")))
			.startsWith(TLS.resolve("one-encrypted.key") + " is encrypted");
	}

	@Test
	void leavesWhatItCannotReadToTheWebServer(@TempDir Path dir) {
		assertThat(TlsPairCheck.problem(dir.resolve("missing.pem"), TLS.resolve("one.key"))).isNull();
	}

	@Test
	void namesTheVirtualServer(@TempDir Path dir) throws IOException {
		Path junk = Files.writeString(dir.resolve("cert.pem"), "junk\n");
		List<VirtualServer> servers = List.of(
				new VirtualServer("plain", List.of("plain.test"), "127.0.0.1:8080", null, false),
				new VirtualServer("secure", List.of("secure.test"), "127.0.0.1:8443",
						new VirtualServer.Tls(junk.toString(), TLS.resolve("one.key").toString()), false));

		assertThat(TlsPairCheck.problems(servers)).singleElement()
			.asString()
			.startsWith("virtual server secure: " + junk + " holds no PEM certificate");
	}

}
