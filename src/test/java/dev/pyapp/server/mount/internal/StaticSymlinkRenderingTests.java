package dev.pyapp.server.mount.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web server follows no symlink below an app's static directory (one the app made
 * would publish whatever the web server's user may read); below an operator's folder,
 * only where the link's owner owns what it leads to (nginx, Apache).
 */
class StaticSymlinkRenderingTests {

	private static final String APP_STATICS = "/srv/pyapp/apps/guestbook/current/static/guestbook";

	@Test
	void nginxChecksTheLinksBelowEachServedDirectoryOnly() {
		String config = new NginxRenderer().sites(RendererGoldenTests.model(), RendererGoldenTests.settings());

		String lines = config.replaceAll("\n\\s+", "\n");
		assertThat(lines).contains("alias " + APP_STATICS + "/;\ndisable_symlinks on from=" + APP_STATICS + ";\n");
		assertThat(lines).contains("alias /srv/files/;\ndisable_symlinks if_not_owner from=/srv/files;\n");
	}

	@Test
	void apacheFollowsNoLinkBelowAnAppsStaticDirectory() {
		String config = new ApacheRenderer().main(RendererGoldenTests.model(), RendererGoldenTests.settings());

		assertThat(config).contains("<Directory \"" + APP_STATICS + "\">\n        Options None\n");
		assertThat(config).contains("<Directory \"/srv/files\">\n        Options SymLinksIfOwnerMatch\n");
		assertThat(config).doesNotContain("<Directory \"" + APP_STATICS + "\">\n        Options FollowSymLinks");
	}

	@Test
	void lighttpdFollowsNoLinkToAnAppsStaticFile() {
		String config = new LighttpdRenderer().sites(RendererGoldenTests.model(), RendererGoldenTests.settings());

		assertThat(config.split("server\\.follow-symlink = \"disable\"", -1)).hasSize(3);
		String folder = config.substring(config.indexOf("alias.url = ( \"/files\""));
		assertThat(folder.substring(0, folder.indexOf('}'))).doesNotContain("follow-symlink");
	}

}
