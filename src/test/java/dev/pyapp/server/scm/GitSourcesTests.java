package dev.pyapp.server.scm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.packaging.ArchiveLimits;
import dev.pyapp.server.scm.internal.ScmProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The strategies against real repositories: a bare {@code origin.git} that a working
 * clone pushes commits, branches and tags to, read through {@code file://}.
 */
class GitSourcesTests {

	@TempDir
	Path dir;

	private GitFixture origin;

	private GitSources sources;

	private final AppId app = AppId.of("hello");

	@BeforeEach
	void setUp() {
		this.origin = new GitFixture(this.dir.resolve("repo"));
		this.sources = new GitSources(new PyappHome(this.dir.resolve("home")),
				new ScmProperties(null, Duration.ofSeconds(30), DataSize.ofMegabytes(5), Duration.ofDays(7)),
				new DeployKeys(new PyappHome(this.dir.resolve("home"))));
	}

	@AfterEach
	void tearDown() {
		this.origin.close();
	}

	@Test
	void alwaysLatestFollowsTheDefaultBranchHead() {
		String first = this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		GitSource source = source(GitStrategy.ALWAYS_LATEST, null, null);
		GitMirror mirror = adopted(source);
		assertThat(this.sources.select(mirror, source)).isEqualTo(new GitRevision(first, "refs/heads/main"));

		this.origin.branch("feature");
		this.origin.commit(Map.of("src/feature.py", "x = 1\n"), "on a branch");
		this.origin.checkout("main");
		String second = this.origin.commit(GitFixture.app("hello", "1.1"), "second");
		assertThat(this.sources.select(this.sources.fetch(this.app, source), source).commit()).isEqualTo(second);
	}

	@Test
	void alwaysLatestFollowsAChangedDefaultBranch() {
		this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		GitSource source = source(GitStrategy.ALWAYS_LATEST, null, null);
		adopted(source);
		this.origin.branch("trunk");
		String onTrunk = this.origin.commit(GitFixture.app("hello", "2.0"), "trunk");
		this.origin.setDefaultBranch("trunk");

		GitRevision revision = this.sources.select(this.sources.fetch(this.app, source), source);

		assertThat(revision).isEqualTo(new GitRevision(onTrunk, "refs/heads/trunk"));
		assertThat(this.sources.follows(this.app, source, "refs/heads/trunk")).isTrue();
		assertThat(this.sources.follows(this.app, source, "refs/heads/main")).isFalse();
	}

	@Test
	void oneBranchFollowsItsBranchOnly() {
		this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		String stable = this.origin.branch("stable").commit(GitFixture.app("hello", "1.0.1"), "fix");
		this.origin.checkout("main").commit(GitFixture.app("hello", "2.0.dev1"), "work on main");
		GitSource source = source(GitStrategy.ONE_BRANCH, "stable", null);
		GitMirror mirror = adopted(source);
		assertThat(this.sources.select(mirror, source)).isEqualTo(new GitRevision(stable, "refs/heads/stable"));

		this.origin.commit(GitFixture.app("hello", "2.0.dev2"), "more on main");
		assertThat(this.sources.select(this.sources.fetch(this.app, source), source).commit()).isEqualTo(stable);
		String stable2 = this.origin.checkout("stable").commit(GitFixture.app("hello", "1.0.2"), "fix 2");
		assertThat(this.sources.select(this.sources.fetch(this.app, source), source).commit()).isEqualTo(stable2);

		assertThat(this.sources.follows(this.app, source, "refs/heads/stable")).isTrue();
		assertThat(this.sources.follows(this.app, source, "refs/heads/main")).isFalse();
		assertThat(this.sources.follows(this.app, source, "refs/tags/v1")).isFalse();
	}

	@Test
	void oneBranchNamesTheBranchesWhenItsBranchIsMissing() {
		this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		GitSource source = source(GitStrategy.ONE_BRANCH, "release", null);
		GitMirror mirror = this.sources.cloneIncoming(source, null);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.sources.select(mirror, source))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("'release'").contains("main"));
	}

	@Test
	void latestTagPicksTheHighestVersionNotTheNewestTag() {
		this.origin.commit(GitFixture.app("hello", "1.2.0"), "1.2");
		this.origin.tag("v1.2.0", true);
		String v110 = this.origin.commit(GitFixture.app("hello", "1.10.0"), "1.10");
		this.origin.tag("v1.10.0", false);
		this.origin.commit(GitFixture.app("hello", "1.9.0"), "backport");
		this.origin.tag("v1.9.0", true);
		this.origin.commit(GitFixture.app("hello", "2.0rc1"), "rc");
		this.origin.tag("v2.0rc1", true);
		this.origin.tag("nightly-2026", false);
		GitSource source = source(GitStrategy.LATEST_TAG, null, "v*");
		GitMirror mirror = adopted(source);

		assertThat(this.sources.select(mirror, source)).isEqualTo(new GitRevision(v110, "refs/tags/v1.10.0"));

		String v2 = this.origin.commit(GitFixture.app("hello", "2.0.0"), "2.0");
		this.origin.tag("v2.0.0", true);
		GitRevision revision = this.sources.select(this.sources.fetch(this.app, source), source);
		// an annotated tag deploys the commit it names
		assertThat(revision).isEqualTo(new GitRevision(v2, "refs/tags/v2.0.0"));
		assertThat(this.sources.follows(this.app, source, "refs/tags/v2.1.0")).isTrue();
		assertThat(this.sources.follows(this.app, source, "refs/tags/v2.1rc1")).isFalse();
		assertThat(this.sources.follows(this.app, source, "refs/heads/main")).isFalse();
	}

	@Test
	void latestTagTakesPrereleasesWhenAsked() {
		this.origin.commit(GitFixture.app("hello", "1.0"), "1.0");
		this.origin.tag("v1.0", true);
		String rc = this.origin.commit(GitFixture.app("hello", "2.0rc1"), "rc");
		this.origin.tag("v2.0rc1", true);
		GitSource source = new GitSource(this.origin.url(), GitStrategy.LATEST_TAG, null, "v*", true);

		assertThat(this.sources.select(this.sources.cloneIncoming(source, null), source).commit()).isEqualTo(rc);
	}

	@Test
	void latestTagWithoutMatchingTagIsInvalid() {
		this.origin.commit(GitFixture.app("hello", "1.0"), "1.0");
		this.origin.tag("release-1.0", false);
		GitSource source = source(GitStrategy.LATEST_TAG, null, "v*");
		GitMirror mirror = this.sources.cloneIncoming(source, null);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.sources.select(mirror, source))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).path()).isEqualTo("git.tag_pattern"));
	}

	@Test
	void exportsTheTreeOfTheSelectedRevisionOnly() throws Exception {
		String first = this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		this.origin.commit(GitFixture.app("hello", "1.1"), "second");
		GitSource source = source(GitStrategy.ALWAYS_LATEST, null, null);
		GitMirror mirror = this.sources.cloneIncoming(source, null);

		Path exported = this.sources.export(mirror, new GitRevision(first, "refs/heads/main"));

		assertThat(exported).startsWith(this.dir.resolve("home/tmp"));
		assertThat(Files.readString(exported.resolve("metadata.yaml"))).contains("version: 1.0\n");
		assertThat(exported.resolve("src/hello.py")).isRegularFile();
		assertThat(exported.resolve(".git")).doesNotExist();
		this.sources.discard(exported);
		assertThat(exported).doesNotExist();
	}

	@Test
	void keepsAMirrorPerAppAndTheTokenOwnerOnly() throws Exception {
		this.origin.commit(GitFixture.app("hello", "1.0"), "first");
		GitSource source = source(GitStrategy.ALWAYS_LATEST, null, null);
		GitMirror incoming = this.sources.cloneIncoming(source, null);
		this.sources.adopt(incoming, this.app, new GitCredentials("x-access-token", "s3cret"));

		Path home = this.dir.resolve("home");
		assertThat(home.resolve("git/hello.git/HEAD")).isRegularFile();
		assertThat(Files.getPosixFilePermissions(home.resolve("git/hello.credentials")))
			.containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		assertThat(new GitCredentials("u", "s3cret").toString()).doesNotContain("s3cret");
		this.sources.delete(new GitMirror("hello"));
		assertThat(home.resolve("git/hello.git")).doesNotExist();
		assertThat(home.resolve("git/hello.credentials")).doesNotExist();
	}

	@Test
	void refusesUrlsItCannotUseSafely() {
		assertThat(GitSources.checkUrl("https://github.com/a/b.git", "git.url")).isEmpty();
		assertThat(GitSources.checkUrl("https://user:tok@github.com/a/b.git", "git.url")).singleElement()
			.satisfies((problem) -> assertThat(problem.message()).contains("token"));
		// GH-15: over SSH with a deploy key
		assertThat(GitSources.checkUrl("git@github.com:a/b.git", "git.url")).isEmpty();
		assertThat(GitSources.checkUrl("ssh://git@github.com:22/a/b.git", "git.url")).isEmpty();
		assertThat(GitSources.isSsh("git@github.com:a/b.git")).isTrue();
		assertThat(GitSources.isSsh("https://github.com/a/b.git")).isFalse();
		assertThat(GitSources.checkUrl("ssh://git:secret@github.com/a/b.git", "git.url")).singleElement()
			.satisfies((problem) -> assertThat(problem.message()).contains("deploy key"));
		assertThat(GitSources.checkUrl("ftp://example.com/x", "git.url")).hasSize(1);
	}

	private GitSource source(GitStrategy strategy, String branch, String tagPattern) {
		return new GitSource(this.origin.url(), strategy, branch, tagPattern, false);
	}

	private GitMirror adopted(GitSource source) {
		this.sources.adopt(this.sources.cloneIncoming(source, null), this.app, null);
		return new GitMirror(this.app.value());
	}

	@Test // GH-13 (9)
	void exportStopsAtTheArchiveLimitsAndLeavesNothing() throws Exception {
		Map<String, String> files = new java.util.LinkedHashMap<>(GitFixture.app("big", "1.0"));
		files.put("src/blob.txt", "x".repeat(200_000));
		for (int i = 0; i < 5; i++) {
			files.put("src/pkg/m" + i + ".py", "# module " + i + "\n");
		}
		String commit = this.origin.commit(files, "big");
		GitSource source = source(GitStrategy.ALWAYS_LATEST, null, null);
		GitMirror mirror = this.sources.cloneIncoming(source, null);
		GitRevision revision = new GitRevision(commit, "refs/heads/main");

		GitSources bySize = new GitSources(new PyappHome(this.dir.resolve("home")), properties(),
				new ArchiveLimits(50_000, 100_000));
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> bySize.export(mirror, revision))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getProblems()).singleElement().satisfies((problem) -> {
					assertThat(problem.path()).isEqualTo("src/blob.txt");
					assertThat(problem.message()).contains("pyapp.packaging.max-uncompressed-size");
				});
			});
		GitSources byCount = new GitSources(new PyappHome(this.dir.resolve("home")), properties(),
				new ArchiveLimits(4, 2_000_000_000L));
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> byCount.export(mirror, revision))
			.satisfies((ex) -> assertThat(ex.getProblems().get(0).message()).contains("pyapp.packaging.max-entries"));
		try (var left = Files.list(this.dir.resolve("home/tmp"))) {
			assertThat(left.filter((path) -> path.getFileName().toString().startsWith("git-export-"))).isEmpty();
		}
	}

	@Test // GH-13 (9)
	void aCloneLargerThanTheLimitIsRefusedAndRemoved() throws Exception {
		Map<String, String> files = new java.util.LinkedHashMap<>(GitFixture.app("huge", "1.0"));
		java.util.Random random = new java.util.Random(13);
		StringBuilder noise = new StringBuilder();
		for (int i = 0; i < 300_000; i++) {
			noise.append((char) ('a' + random.nextInt(26)));
		}
		files.put("src/noise.txt", noise.toString());
		this.origin.commit(files, "huge");
		GitSources small = new GitSources(new PyappHome(this.dir.resolve("home")), properties(),
				new ArchiveLimits(50_000, 50_000));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> small.cloneIncoming(source(GitStrategy.ALWAYS_LATEST, null, null), null))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getProblems().get(0).path()).isEqualTo("git.url");
				assertThat(ex.getProblems().get(0).message()).contains("pyapp.packaging.max-uncompressed-size");
			});
		try (var left = Files.list(this.dir.resolve("home/git"))) {
			assertThat(left).isEmpty();
		}
	}

	private static ScmProperties properties() {
		return new ScmProperties(null, Duration.ofSeconds(30), DataSize.ofMegabytes(5), Duration.ofDays(7));
	}

}
