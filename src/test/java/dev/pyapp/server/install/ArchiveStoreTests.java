package dev.pyapp.server.install;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.internal.InstallProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ArchiveStoreTests {

	@TempDir
	Path home;

	private ArchiveStore store;

	@BeforeEach
	void setUp() {
		this.store = new ArchiveStore(new PyappHome(this.home), new InstallProperties(DataSize.ofMegabytes(1)));
	}

	@Test
	void aRefusedUploadLeavesNothingUnderTheHomeThatWasNotThereBefore() throws Exception {
		List<Path> before = tree();
		byte[] notZip = "not a zip".getBytes(StandardCharsets.UTF_8);

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.store.store(new ByteArrayInputStream(notZip)));

		assertThat(tree()).isEqualTo(before);
		assertThat(this.home.resolve("tmp/uploads")).isDirectory();
		assertThat(Files.getPosixFilePermissions(this.home.resolve("tmp/uploads")))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
	}

	@Test
	void recordsTheProgressOfAnUploadUnderItsId() {
		byte[] zip = zip(600 * 1024);

		String id = this.store.store(new ByteArrayInputStream(zip), "upload-0001", zip.length);

		ArchiveStore.UploadProgress progress = this.store.progress("upload-0001").orElseThrow();
		assertThat(progress.state()).isEqualTo("stored");
		assertThat(progress.received()).isEqualTo(zip.length);
		assertThat(progress.total()).isEqualTo(zip.length);
		assertThat(progress.archive()).isEqualTo(id);
		assertThat(this.store.path(id)).hasBinaryContent(zip);
	}

	@Test
	void refusesADeclaredLengthOverTheLimitBeforeReading() {
		ByteArrayInputStream content = new ByteArrayInputStream(zip(16));

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.store.store(content, "upload-0002", 2L * 1024 * 1024))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("limit"));
		assertThat(content.available()).isEqualTo(16);
		assertThat(this.store.progress("upload-0002").orElseThrow().state()).isEqualTo("refused");
	}

	@Test
	void refusesAnUploadThatGrowsOverTheLimitAndKeepsNothing() throws Exception {
		byte[] big = zip(1024 * 1024 + 1);

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.store.store(new ByteArrayInputStream(big), "upload-0003", -1));

		assertThat(this.store.progress("upload-0003").orElseThrow().state()).isEqualTo("refused");
		try (var left = Files.list(this.home.resolve("tmp/uploads"))) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void refusesBadOrReusedUploadIds() {
		this.store.store(new ByteArrayInputStream(zip(16)), "upload-0004", -1);

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.store.store(new ByteArrayInputStream(zip(16)), "upload-0004", -1));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.store.store(new ByteArrayInputStream(zip(16)), "../x", -1));
		assertThat(this.store.progress("unknown-id")).isEmpty();
	}

	/** Starts like a zip; the store only looks at the signature. */
	private static byte[] zip(int size) {
		byte[] content = new byte[size];
		Arrays.fill(content, (byte) 1);
		content[0] = 'P';
		content[1] = 'K';
		content[2] = 3;
		content[3] = 4;
		return content;
	}

	@Test // GH-13 (15)
	void uploadsNeverInstalledExpire() throws Exception {
		String old = this.store.store(new java.io.ByteArrayInputStream(new byte[] { 'P', 'K', 5, 6, 0, 0 }));
		String fresh = this.store.store(new java.io.ByteArrayInputStream(new byte[] { 'P', 'K', 5, 6, 0, 0 }));
		java.nio.file.Files.setLastModifiedTime(this.store.path(old),
				java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofMinutes(61))));
		assertThat(java.nio.file.Files.getPosixFilePermissions(this.store.path(fresh)))
			.isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

		assertThat(this.store.expire()).isEqualTo(1);

		assertThatExceptionOfType(dev.pyapp.server.core.PyappException.class).isThrownBy(() -> this.store.path(old));
		assertThat(this.store.path(fresh)).exists();
	}

	private List<Path> tree() throws Exception {
		try (Stream<Path> paths = Files.walk(this.home)) {
			return paths.sorted().toList();
		}
	}

}
