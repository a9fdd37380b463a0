package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The copy of a live release's environment into a new release: every path of the old
 * release in it names the new one, the old one stays as it was, and what cannot be copied
 * safely is refused with nothing left behind.
 */
class EnvironmentCopyTests {

	@TempDir
	Path releases;

	private Path old;

	private Path next;

	private String site;

	@BeforeEach
	void liveRelease() throws IOException {
		this.old = Files.createDirectories(this.releases.resolve("1.0.0-20261206T010000Z"));
		this.next = Files.createDirectories(this.releases.resolve("1.0.1-20261206T020000Z"));
		// what python -m venv and pip made for the live release
		Path venv = this.old.resolve("venv");
		this.site = "lib/python3.11/site-packages";
		Files.createDirectories(venv.resolve("bin"));
		Files.createDirectories(venv.resolve(this.site).resolve("six-1.17.0.dist-info"));
		Files.createSymbolicLink(venv.resolve("lib64"), Path.of("lib"));
		Files.createSymbolicLink(venv.resolve("bin/python"), Path.of("/usr/bin/python3.11"));
		Files.writeString(venv.resolve("pyvenv.cfg"), "home = /usr/bin\nversion = 3.11.2\n"
				+ "command = /usr/bin/python3.11 -m venv --without-pip " + venv + "\n");
		Path script = Files.writeString(venv.resolve("bin/flask"),
				"#!" + venv + "/bin/python\nfrom flask.cli import main\nmain()\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
		Files.writeString(venv.resolve("bin/activate"), "VIRTUAL_ENV=\"" + venv + "\"\n");
		Files.writeString(venv.resolve(this.site).resolve("six-1.17.0.dist-info/direct_url.json"),
				"{\"url\": \"file://" + this.old + "/src\"}");
		Files.writeString(venv.resolve(this.site).resolve("pyapp-0-src.pth"), this.old + "/src\n");
		Files.writeString(venv.resolve(this.site).resolve("six.py"), "# six\n");
		// a path that only starts like the old release's is left alone
		Files.writeString(venv.resolve(this.site).resolve("other.pth"), this.old + "0/src\n");
		Files.write(venv.resolve(this.site).resolve("six.cpython-311.pyc"),
				("\0\0" + this.old + "/venv/six.py").getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void everyPathOfTheOldReleaseNamesTheNewOneAndTheOldStaysAsItWas() throws IOException {
		int rewritten = copy();

		Path venv = this.next.resolve("venv");
		assertThat(Files.readString(venv.resolve("bin/flask"))).startsWith("#!" + venv + "/bin/python\n");
		assertThat(Files.getPosixFilePermissions(venv.resolve("bin/flask")))
			.isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
		assertThat(Files.readString(venv.resolve("bin/activate"))).isEqualTo("VIRTUAL_ENV=\"" + venv + "\"\n");
		assertThat(Files.readString(venv.resolve("pyvenv.cfg"))).contains("--without-pip " + venv + "\n")
			.doesNotContain(this.old.toString());
		assertThat(Files.readString(venv.resolve(this.site).resolve("six-1.17.0.dist-info/direct_url.json")))
			.contains(this.next + "/src");
		assertThat(Files.readString(venv.resolve(this.site).resolve("other.pth"))).isEqualTo(this.old + "0/src\n");
		assertThat(Files.readSymbolicLink(venv.resolve("bin/python"))).isEqualTo(Path.of("/usr/bin/python3.11"));
		assertThat(Files.readSymbolicLink(venv.resolve("lib64"))).isEqualTo(Path.of("lib"));
		// the server writes its own .pth files again, as for a new environment
		assertThat(venv.resolve(this.site).resolve("pyapp-0-src.pth")).doesNotExist();
		assertThat(rewritten).isEqualTo(4);
		Path oldVenv = this.old.resolve("venv");
		assertThat(Files.readString(oldVenv.resolve("bin/flask"))).startsWith("#!" + oldVenv + "/bin/python\n");
		assertThat(Files.readString(oldVenv.resolve(this.site).resolve("pyapp-0-src.pth")))
			.isEqualTo(this.old + "/src\n");
	}

	@Test
	void refusesABinaryFileThatNamesTheOldReleaseAndLeavesNothing() throws IOException {
		Files.write(this.old.resolve("venv").resolve(this.site).resolve("_speedups.so"),
				("\0ELF" + this.old + "/venv/lib").getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("_speedups.so is a binary file that names the old release");
		assertThat(this.next.resolve("venv")).doesNotExist();
	}

	@Test
	void refusesAnEnvironmentTheAppCouldChangeWhileItIsCopied() throws IOException {
		Files.setPosixFilePermissions(this.old.resolve("venv").resolve(this.site),
				PosixFilePermissions.fromString("rwxrwxrwx"));

		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("is not the server's alone");
		assertThat(this.next.resolve("venv")).doesNotExist();
	}

	@Test
	void refusesASitePackagesThatIsALink() throws IOException {
		Path lib = this.old.resolve("venv/lib");
		Files.move(lib.resolve("python3.11"), lib.resolve("elsewhere"));
		Files.createSymbolicLink(lib.resolve("python3.11"), lib.resolve("elsewhere"));

		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("venv/lib/python3.11 or its site-packages is not a directory");
		assertThat(this.next.resolve("venv")).doesNotExist();
	}

	@Test
	void refusesAFifo() throws Exception {
		Path fifo = this.old.resolve("venv/bin/pipe");
		assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("bin/pipe is not a file, directory or link");
		assertThat(this.next.resolve("venv")).doesNotExist();
	}

	@Test
	void refusesAReleaseWithoutAnEnvironmentAndOneThatHasItsOwnAlready() throws IOException {
		Files.createDirectories(this.next.resolve("venv"));
		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("exists already");
		assertThat(this.next.resolve("venv")).exists();

		Files.delete(this.next.resolve("venv"));
		Files.delete(this.old.resolve("venv/pyvenv.cfg"));
		assertThatExceptionOfType(EnvironmentCopy.Refused.class).isThrownBy(this::copy)
			.withMessageContaining("no venv/pyvenv.cfg");
	}

	@Test
	void refusesACopyPastItsTimeBound() {
		assertThatExceptionOfType(EnvironmentCopy.Refused.class)
			.isThrownBy(() -> EnvironmentCopy.copy(this.old, this.next, EnvironmentCopy.serverUid(), Duration.ZERO))
			.withMessageContaining("copying took longer than");
		assertThat(this.next.resolve("venv")).doesNotExist();
	}

	private int copy() throws IOException {
		return EnvironmentCopy.copy(this.old, this.next, EnvironmentCopy.serverUid(), Duration.ofMinutes(1));
	}

}
