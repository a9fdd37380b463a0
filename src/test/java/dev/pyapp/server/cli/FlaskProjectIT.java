package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.pyapp.server.mount.MountManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GH-15: a Flask + SQLAlchemy + Alembic project as a new user makes one, through the CLI
 * and the managed nginx (docs/flask.md walks the same steps): {@code pyapp init
 * --template flask}, {@code pyapp package}, install, settings, mounted under
 * {@code /notes} of a host that is not {@code localhost}; a login and a form POST with
 * the app's CSRF token, the session cookie scoped to the mount path, static files from
 * nginx, an upgrade whose Alembic migration runs in {@code pre-update},
 * {@code pyapp run NAME -- alembic current}, and removal.
 */
@Tag("process")
@Tag("webserver")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pyapp.storage.persistent=false")
class FlaskProjectIT {

	private static final Log logger = LogFactory.getLog(FlaskProjectIT.class);

	private static final Path home = ProjectSite.newHome();

	private static ProjectSite site;

	@LocalServerPort
	int port;

	@Autowired
	MountManager mounts;

	@DynamicPropertySource
	static void home(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
	}

	@AfterAll
	static void removeLeftovers() throws IOException {
		if (site != null) {
			if (Files.exists(home.resolve("apps/notes"))) {
				site.pyappExit("remove", "notes");
			}
			site.cleanUp();
		}
		FileSystemUtils.deleteRecursively(home);
	}

	@Test
	void packagesInstallsServesUpgradesAndRemovesAFlaskProject() throws Exception {
		site = new ProjectSite(home, "notes.test");
		site.apiPort(this.port);
		try {
			deploy();
		}
		finally {
			logger.info("GH-15 timings of the Flask project: " + String.join(", ", site.timings()));
			this.mounts.stop();
		}
	}

	private void deploy() throws Exception {
		site.pyapp("init", "notes", "--template", "flask");
		assertThat(site.pyapp("package", "notes").out()).startsWith("packaged notes 0.1.0: ");

		CliRun installed = site.timed("install", "install", "notes-0.1.0.pyapp");
		assertThat(installed.out()).contains("installed notes 0.1.0 (needs-configuration)");
		site.pyapp("servers", "add", "notes", "--hostname", "notes.test", "--listen", "127.0.0.1:" + site.webPort);
		site.pyapp("mounts", "add", "notes", "/notes", "notes");
		site.pyapp("webserver", "apply");
		site.timed("config", "config", "set", "notes", "flask.secret_key=" + "s3cr3t-".repeat(6),
				"flask.admin_password=correct-horse-battery");
		assertThat(site.pyapp("apps", "show", "notes").out()).containsPattern("(?m)^state: +running");

		ProjectSite.Response page = site.get("/notes/");
		assertThat(page.status()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("href=\"/notes/static/style.css\"").contains("href=\"/notes/login\"");
		ProjectSite.Response stylesheet = site.get("/notes/static/style.css");
		assertThat(stylesheet.status()).isEqualTo(200);
		assertThat(stylesheet.headers("Content-Type")).containsExactly("text/css");

		ProjectSite.Response form = site.get("/notes/login");
		assertThat(form.headers("Set-Cookie"))
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("session=").contains("Path=/notes/"));
		String token = form.field("csrf_token");
		assertThat(site.post("/notes/login", Map.of("username", "admin", "password", "correct-horse-battery")).status())
			.as("no CSRF token")
			.isEqualTo(400);
		ProjectSite.Response login = site.post("/notes/login",
				Map.of("csrf_token", token, "username", "admin", "password", "correct-horse-battery"));
		assertThat(login.status()).as(login.body()).isEqualTo(302);
		assertThat(login.headers("Location")).containsExactly("/notes/");
		ProjectSite.Response note = site.post("/notes/notes", Map.of("csrf_token", token, "text", "first note"));
		assertThat(note.status()).as(note.body()).isEqualTo(302);
		assertThat(site.get("/notes/").body()).contains("<li>first note</li>");

		CliRun current = site.timed("pyapp run (alembic current)", "run", "notes", "--", "alembic", "current");
		assertThat(current.out()).contains("0001 (head)");

		upgradesWithAnAlembicMigrationInPreUpdate();

		assertThat(site.pyapp("remove", "notes").out()).isEqualTo("removed notes\n");
		assertThat(home.resolve("apps/notes")).doesNotExist();
	}

	private void upgradesWithAnAlembicMigrationInPreUpdate() throws IOException {
		Path project = site.workspace.resolve("notes");
		Files.writeString(project.resolve("src/notes/migrations/versions/0002_note_author.py"), """
				\"""note author

				Revision ID: 0002
				Revises: 0001
				\"""
				from alembic import op
				import sqlalchemy as sa

				revision = "0002"
				down_revision = "0001"
				branch_labels = None
				depends_on = None


				def upgrade():
				    op.add_column("notes", sa.Column("author", sa.String(), nullable=True))


				def downgrade():
				    op.drop_column("notes", "author")
				""");
		Path metadata = project.resolve("metadata.yaml");
		Files.writeString(metadata, Files.readString(metadata).replace("version: 0.1.0", "version: 0.2.0"));
		site.pyapp("package", "notes");

		CliRun upgraded = site.timed("upgrade", "install", "notes-0.2.0.pyapp");
		assertThat(upgraded.out()).contains("Running upgrade 0001 -> 0002, note author")
			.contains("installed notes 0.2.0 (running)");
		assertThat(site.pyapp("run", "notes", "--", "alembic", "current").out()).contains("0002 (head)");
		// the data and the login survived the upgrade
		assertThat(site.get("/notes/").body()).contains("<li>first note</li>").contains("action=\"/notes/logout\"");
	}

}
