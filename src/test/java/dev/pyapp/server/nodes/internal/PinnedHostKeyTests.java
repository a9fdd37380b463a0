package dev.pyapp.server.nodes.internal;

import java.util.Base64;

import com.jcraft.jsch.HostKeyRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PinnedHostKeyTests {

	private static final String LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPT7TIct2hcXkbfRxatCfdogJ75l5IufaHsViyQ3hzhQ fixture";

	/** As {@code ssh-keygen -lf} prints it for {@link #LINE}. */
	private static final String FINGERPRINT = "SHA256:Pc512PTMbx01MEYybqkPmdcGzpiK92NRpn/BKqOv1xI";

	private static final byte[] KEY = Base64.getDecoder().decode(LINE.split(" ")[1]);

	@Test
	void fingerprintsLikeOpenSsh() {
		assertThat(PinnedHostKey.fingerprint(KEY)).isEqualTo(FINGERPRINT);
		assertThat(PinnedHostKey.normalize(LINE)).isEqualTo(FINGERPRINT);
		assertThat(PinnedHostKey.normalize(FINGERPRINT + "=")).isEqualTo(FINGERPRINT);
	}

	@Test
	void rejectsWhatIsNeitherAFingerprintNorAPublicKey() {
		assertThat(PinnedHostKey.normalize("SHA256:short")).isNull();
		assertThat(PinnedHostKey.normalize("MD5:3b:4e:aa")).isNull();
		assertThat(PinnedHostKey.normalize("ssh-ed25519 not-base64!")).isNull();
	}

	@Test
	void acceptsOnlyThePinnedKey() {
		assertThat(PinnedHostKey.of(FINGERPRINT).check("host", KEY)).isEqualTo(HostKeyRepository.OK);
		byte[] other = KEY.clone();
		other[other.length - 1] ^= 1;
		PinnedHostKey pin = PinnedHostKey.of(FINGERPRINT);
		assertThat(pin.check("host", other)).isEqualTo(HostKeyRepository.CHANGED);
		assertThat(pin.presented()).isEqualTo(PinnedHostKey.fingerprint(other));
	}

	@Test
	void acceptsAnUnknownKeyOnlyWhenTheOperatorSaidSo() {
		PinnedHostKey refusing = PinnedHostKey.firstContact(false);
		assertThat(refusing.check("host", KEY)).isEqualTo(HostKeyRepository.NOT_INCLUDED);
		assertThat(refusing.presented()).isEqualTo(FINGERPRINT);
		assertThat(PinnedHostKey.firstContact(true).check("host", KEY)).isEqualTo(HostKeyRepository.OK);
	}

}
