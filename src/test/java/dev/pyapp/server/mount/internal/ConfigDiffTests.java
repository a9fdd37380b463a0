package dev.pyapp.server.mount.internal;

import java.util.List;

import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDiffTests {

	@Test
	void equalTextsHaveNoDiff() {
		assertThat(ConfigDiff.unified("a\nb\n", "a\nb\n", "live", "staged")).isEmpty();
	}

	@Test
	void showsAddedAndRemovedLinesWithContext() {
		String diff = ConfigDiff.unified("server {\n    listen 80;\n}\n", "server {\n    listen 8080;\n}\n", "live",
				"staged");
		assertThat(diff).startsWith("--- live\n+++ staged\n@@ -1,3 +1,3 @@\n")
			.contains("\n-    listen 80;\n+    listen 8080;\n")
			.contains("\n server {\n");
	}

	@Test
	void describesStagedChangesInWords() {
		VirtualServer one = new VirtualServer("one", List.of("one.test"), "127.0.0.1:8080", null, false);
		VirtualServer two = new VirtualServer("two", List.of("two.test"), "127.0.0.1:8081", null, false);
		MountState applied = new MountState(MountState.APPLIED, List.of(one), List.of(Mount.app("one", "/a", "a")));
		MountState staged = new MountState(MountState.STAGED, List.of(one, two),
				List.of(Mount.app("one", "/a", "b"), Mount.app("two", "/", "c")));
		assertThat(StagedChanges.describe(applied, staged)).containsExactly("server two added (127.0.0.1:8081)",
				"mount one /a now serves app b", "mount two / added (app c)");
		assertThat(StagedChanges.describe(staged, applied)).containsExactly("server two removed",
				"mount one /a now serves app a", "mount two / removed");
	}

	@Test
	void urlOfAServerUsesItsFirstRealHostNameAndOmitsDefaultPorts() {
		assertThat(new VirtualServer("a", List.of("localhost"), "127.0.0.1:39880", null, false).url("/todo/"))
			.isEqualTo("http://localhost:39880/todo/");
		assertThat(new VirtualServer("a", List.of("*.example.org", "www.example.org"), "*:443",
				new VirtualServer.Tls("/c", "/k"), false)
			.url("/")).isEqualTo("https://www.example.org/");
		assertThat(new VirtualServer("a", List.of("*.example.org"), "0.0.0.0:80", null, false).url("/x/"))
			.isEqualTo("http://localhost/x/");
	}

}
