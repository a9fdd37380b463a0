package dev.pyapp.server.mount.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.mount.VirtualServer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a TLS server's certificate and key as the web server will: httpd's configuration
 * test ({@code -t}) only checks that the files exist, and loads them when it starts or
 * reloads; a file that is no certificate, an encrypted key or the key of another
 * certificate then ends every worker of the running server. nginx and lighttpd load them
 * in their test already. What this check cannot judge (a file the server's user may not
 * read, a key type the JVM does not know) it leaves to the web server.
 */
final class TlsPairCheck {

	private static final Pattern PEM = Pattern.compile(
			"-----BEGIN ([A-Z0-9 ]+)-----\\s*(?:Proc-Type:[^\\n]*\\n)?(?:DEK-Info:[^\\n]*\\n)?([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

	/** Keys larger than this are no PEM key (a bound on what is read). */
	private static final long MAX_SIZE = 1 << 20;

	private TlsPairCheck() {
	}

	/**
	 * @param servers the virtual servers about to be applied
	 * @return what is wrong with their certificates and keys, one line each; empty when
	 * nothing is
	 */
	static List<String> problems(List<VirtualServer> servers) {
		List<String> problems = new ArrayList<>();
		for (VirtualServer server : servers) {
			if (server.tls() != null) {
				String problem = problem(Path.of(server.tls().cert()), Path.of(server.tls().key()));
				if (problem != null) {
					problems.add("virtual server " + server.name() + ": " + problem);
				}
			}
		}
		return problems;
	}

	/**
	 * @param certFile the certificate (PEM, the server's first)
	 * @param keyFile its private key (PEM)
	 * @return what is wrong, or {@code null} when nothing is or it cannot be told
	 */
	static @Nullable String problem(Path certFile, Path keyFile) {
		String certText = read(certFile);
		String keyText = read(keyFile);
		if (certText == null || keyText == null) {
			return null;
		}
		if (!certText.contains("-----BEGIN CERTIFICATE-----")) {
			return certFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
		}
		X509Certificate cert;
		try {
			Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
				.generateCertificates(new ByteArrayInputStream(certText.getBytes(StandardCharsets.US_ASCII)));
			if (certs.isEmpty()) {
				return certFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
			}
			cert = (X509Certificate) certs.iterator().next();
		}
		catch (CertificateException | ClassCastException ex) {
			return certFile + " is not a PEM certificate: " + ex.getMessage();
		}
		Matcher block = PEM.matcher(keyText);
		boolean found = false;
		while (!found && block.find()) {
			// parameters (-----BEGIN EC PARAMETERS-----) may come first
			found = block.group(1).endsWith("PRIVATE KEY");
		}
		if (!found) {
			return keyFile + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)";
		}
		String label = block.group(1);
		if (label.contains("ENCRYPTED") || block.group(0).contains("Proc-Type: 4,ENCRYPTED")) {
			return keyFile + " is encrypted: the web server cannot ask for its passphrase; give it the key without one"
					+ " (openssl pkey -in " + keyFile + " -out KEY)";
		}
		byte[] der;
		try {
			der = Base64.getMimeDecoder().decode(block.group(2));
		}
		catch (IllegalArgumentException ex) {
			return keyFile + " is not a PEM private key: " + ex.getMessage();
		}
		PrivateKey key = privateKey(label, der, cert.getPublicKey());
		if (key != null && !belongTogether(key, cert.getPublicKey())) {
			return "the private key " + keyFile + " is not the key of the certificate " + certFile;
		}
		return null;
	}

	private static @Nullable String read(Path file) {
		try {
			if (Files.size(file) > MAX_SIZE) {
				return "";
			}
			return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
		}
		catch (NoSuchFileException | AccessDeniedException ex) {
			// the web server's own test names a missing file; one the server may not
			// read is the web server's to judge
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * The key as the JVM reads it: PKCS#8 ({@code PRIVATE KEY}) of the certificate's
	 * algorithm, or PKCS#1 ({@code RSA PRIVATE KEY}) wrapped into PKCS#8; {@code null}
	 * for what the JVM cannot read here (an SEC1 EC key, a curve it lacks).
	 */
	private static @Nullable PrivateKey privateKey(String label, byte[] der, PublicKey certKey) {
		try {
			if (label.equals("RSA PRIVATE KEY")) {
				return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs8(der)));
			}
			if (label.equals("PRIVATE KEY")) {
				return KeyFactory.getInstance(certKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			// a key of another algorithm than the certificate's is told apart below
			return (label.equals("PRIVATE KEY")) ? otherAlgorithm(der) : null;
		}
		return null;
	}

	/** A PKCS#8 key of another algorithm than the certificate's: never its key. */
	private static @Nullable PrivateKey otherAlgorithm(byte[] der) {
		for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				// not this one
			}
		}
		return null;
	}

	private static boolean belongTogether(PrivateKey key, PublicKey certKey) {
		if (!key.getAlgorithm().equals(certKey.getAlgorithm())
				&& !(key.getAlgorithm().startsWith("Ed") && certKey.getAlgorithm().startsWith("Ed"))) {
			return false;
		}
		String algorithm = switch (key.getAlgorithm()) {
			case "RSA" -> "SHA256withRSA";
			case "EC" -> "SHA256withECDSA";
			case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
			default -> null;
		};
		if (algorithm == null) {
			return true;
		}
		try {
			byte[] message = new byte[32];
			new SecureRandom().nextBytes(message);
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign(key);
			signer.update(message);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(certKey);
			verifier.update(message);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			// what the JVM cannot do is the web server's to judge
			return true;
		}
	}

	/**
	 * PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, SEQUENCE
	 * { OID rsaEncryption, NULL }, OCTET STRING key }.
	 */
	private static byte[] rsaPkcs8(byte[] pkcs1) {
		byte[] algorithm = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
				0x01, 0x01, 0x05, 0x00 };
		byte[] version = { 0x02, 0x01, 0x00 };
		byte[] octets = der(0x04, pkcs1);
		byte[] body = new byte[version.length + algorithm.length + octets.length];
		System.arraycopy(version, 0, body, 0, version.length);
		System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
		System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
		return der(0x30, body);
	}

	private static byte[] der(int tag, byte[] content) {
		int length = content.length;
		byte[] header;
		if (length < 0x80) {
			header = new byte[] { (byte) tag, (byte) length };
		}
		else if (length < 0x100) {
			header = new byte[] { (byte) tag, (byte) 0x81, (byte) length };
		}
		else if (length < 0x10000) {
			header = new byte[] { (byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length };
		}
		else {
			header = new byte[] { (byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length };
		}
		byte[] out = new byte[header.length + length];
		System.arraycopy(header, 0, out, 0, header.length);
		System.arraycopy(content, 0, out, header.length, length);
		return out;
	}

}
