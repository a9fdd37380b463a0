package dev.pyapp.server.scm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The deploy keys of git apps reached over SSH: one key pair per app (ECDSA P-256, which
 * every git host accepts), generated here so that the private half never leaves the
 * server ({@code PYAPP_HOME/git/<app>.deploy-key}, 0600) and the public half is shown
 * once, when it is created, to be added to the repository. Each app also keeps the host
 * key its repository's server presented (pinned, as nodes pin theirs).
 */
@Component
public class DeployKeys {

	private static final String PRIVATE = "PRIVATE KEY";

	private static final String PUBLIC = "PUBLIC KEY";

	private final PyappHome home;

	DeployKeys(PyappHome home) {
		this.home = home;
	}

	/**
	 * Creates an app's deploy key. An app has one; the public half is returned here only.
	 * @param app the app the key is for (the name in its repository's
	 * {@code metadata.yaml})
	 * @return the new key, with its public half
	 * @throws PyappException ({@code CONFLICT}) if the app has one already
	 */
	public synchronized DeployKey create(AppId app) {
		if (Files.exists(keyFile(app))) {
			throw PyappException.conflict("app '" + app + "' has a deploy key already (its public half was shown when "
					+ "it was created); remove it first to make a new one");
		}
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair pair = generator.generateKeyPair();
			String text = pem(PRIVATE, pair.getPrivate().getEncoded()) + pem(PUBLIC, pair.getPublic().getEncoded());
			AtomicFiles.write(keyFile(app), text, AtomicFiles.OWNER_ONLY);
			return describe(app, pair.getPublic(), Instant.now(), true);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot generate an EC key pair", ex);
		}
	}

	/**
	 * The apps' deploy keys, without their public halves.
	 * @return the keys, by app name
	 */
	public List<DeployKey> list() {
		List<DeployKey> keys = new ArrayList<>();
		Path dir = this.home.git();
		if (!Files.isDirectory(dir)) {
			return keys;
		}
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.deploy-key")) {
			for (Path file : files) {
				String name = file.getFileName().toString().replace(".deploy-key", "");
				find(AppId.of(name))
					.ifPresent((pair) -> keys.add(describe(AppId.of(name), pair.getPublic(), modified(file), false)));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list the deploy keys", ex);
		}
		keys.sort((a, b) -> a.app().compareTo(b.app()));
		return keys;
	}

	/**
	 * An app's key pair.
	 * @param app the app
	 * @return the pair, or empty if it has none
	 */
	public Optional<KeyPair> find(AppId app) {
		Path file = keyFile(app);
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII);
			KeyFactory factory = KeyFactory.getInstance("EC");
			PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(unpem(text, PRIVATE)));
			PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(unpem(text, PUBLIC)));
			return Optional.of(new KeyPair(publicKey, privateKey));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the deploy key of " + app, ex);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw PyappException.failed("the deploy key of " + app + " cannot be read: " + ex.getMessage(), null);
		}
	}

	/**
	 * Removes an app's deploy key and the host key pinned for it.
	 * @param app the app
	 * @return whether it had one
	 */
	public synchronized boolean remove(AppId app) {
		boolean had = Files.exists(keyFile(app));
		AtomicFiles.deleteTree(keyFile(app));
		AtomicFiles.deleteTree(hostKeyFile(app));
		return had;
	}

	/**
	 * The host key pinned for an app's repository server.
	 * @param app the app
	 * @return its SHA-256 fingerprint ({@code SHA256:...}), or {@code null}
	 */
	public @Nullable String pinnedHostKey(AppId app) {
		try {
			Path file = hostKeyFile(app);
			return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.US_ASCII).trim() : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the pinned host key of " + app, ex);
		}
	}

	/**
	 * Pins the host key of an app's repository server.
	 * @param app the app
	 * @param fingerprint {@code SHA256:...}
	 */
	public void pinHostKey(AppId app, String fingerprint) {
		AtomicFiles.write(hostKeyFile(app), fingerprint + "\n", AtomicFiles.OWNER_ONLY);
	}

	/**
	 * The SHA-256 fingerprint of a key, as OpenSSH prints it.
	 * @param key the key
	 * @return {@code SHA256:...}
	 */
	public static String fingerprint(PublicKey key) {
		return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
	}

	private DeployKey describe(AppId app, PublicKey key, Instant created, boolean withPublicKey) {
		return new DeployKey(app.value(),
				withPublicKey ? PublicKeyEntry.toString(key) + " pyapp-deploy-key-" + app.value() : null,
				fingerprint(key), created);
	}

	private Path keyFile(AppId app) {
		return this.home.resolve("git", app.value() + ".deploy-key");
	}

	private Path hostKeyFile(AppId app) {
		return this.home.resolve("git", app.value() + ".host-key");
	}

	private static Instant modified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toInstant();
		}
		catch (IOException ex) {
			return Instant.EPOCH;
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static byte[] unpem(String text, String type) {
		String begin = "-----BEGIN " + type + "-----";
		String end = "-----END " + type + "-----";
		int from = text.indexOf(begin);
		int to = text.indexOf(end);
		if (from < 0 || to < from) {
			throw new IllegalArgumentException("no " + type + " in the key file");
		}
		return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
	}

	/**
	 * An app's deploy key.
	 *
	 * @param app the app
	 * @param publicKey the public half in OpenSSH's format (to add to the repository), or
	 * {@code null} once it has been shown
	 * @param fingerprint its SHA-256 fingerprint
	 * @param created when it was created
	 */
	public record DeployKey(String app, @Nullable String publicKey, String fingerprint, Instant created) {
	}

}
