package dev.pyapp.server.scm.internal;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.scm.DeployKeys;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * One SSH session factory of JGit's Apache MINA SSHD transport for one clone or fetch:
 * the app's deploy key only (never the server user's {@code ~/.ssh} keys, config or known
 * hosts) and the pinned host key, checked by fingerprint. Close it after the command.
 */
public final class SshTransportSetup implements AutoCloseable {

	private final SshdSessionFactory factory;

	private final Pins pins;

	public SshTransportSetup(KeyPair key, @Nullable String pinned, boolean acceptNew, Path emptyDirectory) {
		this.pins = new Pins(pinned, acceptNew);
		File nowhere = emptyDirectory.toFile();
		this.factory = new SshdSessionFactoryBuilder().setHomeDirectory(nowhere)
			.setSshDirectory(nowhere)
			.setConfigFile((dir) -> new File(nowhere, "no-config"))
			.setDefaultKnownHostsFiles((dir) -> List.of())
			.setDefaultIdentities((dir) -> List.of())
			.setDefaultKeysProvider((dir) -> List.of(key))
			.setPreferredAuthentications("publickey")
			.setServerKeyDatabase((home, ssh) -> this.pins)
			.build(null);
	}

	public TransportConfigCallback callback() {
		return (transport) -> {
			if (transport instanceof SshTransport ssh) {
				ssh.setSshSessionFactory(this.factory);
			}
		};
	}

	/**
	 * The host key the server presented, once it connected.
	 * @return {@code SHA256:...}, or {@code null}
	 */
	public @Nullable String seen() {
		return this.pins.seen;
	}

	/**
	 * Explains a failed command by its host key, when that is why it failed.
	 * @param url the repository
	 * @param failure the command's message
	 * @return the error to throw
	 */
	public PyappException failure(String url, String failure) {
		String seen = this.pins.seen;
		if (seen != null && this.pins.pinned != null && !this.pins.pinned.equals(seen)) {
			return PyappException.failed("the SSH server of " + url + " presented the host key " + seen
					+ ", not the pinned " + this.pins.pinned + "; nothing was fetched", null);
		}
		if (seen != null && this.pins.pinned == null && !this.pins.acceptNew) {
			return PyappException.invalid("unknown host key",
					List.of(new dev.pyapp.server.core.Problem("git.host_key",
							"the SSH server of " + url + " presented the host key " + seen
									+ "; give it as host_key to pin it (check it with "
									+ "the repository's host), or accept_host_key: true to pin what it presents")));
		}
		return PyappException.failed("cannot reach " + url + " over SSH: " + failure
				+ ((seen != null) ? " (is the deploy key's public half added to the repository?)" : ""), null);
	}

	@Override
	public void close() {
		this.factory.close();
	}

	/** Accepts exactly the pinned key, or the first one when asked to. */
	private static final class Pins implements ServerKeyDatabase {

		private final @Nullable String pinned;

		private final boolean acceptNew;

		private volatile @Nullable String seen;

		Pins(@Nullable String pinned, boolean acceptNew) {
			this.pinned = pinned;
			this.acceptNew = acceptNew;
		}

		@Override
		public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
			return List.of();
		}

		@Override
		public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
				Configuration config, @Nullable CredentialsProvider provider) {
			String fingerprint = DeployKeys.fingerprint(serverKey);
			this.seen = fingerprint;
			return (this.pinned != null) ? this.pinned.equals(fingerprint) : this.acceptNew;
		}

	}

}
