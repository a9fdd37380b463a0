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
 * GH-15: a Django project as a new user makes one, through the CLI and the managed nginx
 * (docs/django.md walks the same steps): {@code pyapp init --template django},
 * {@code pyapp package}, install, settings with {@code ALLOWED_HOSTS} that is not
 * {@code localhost}, mounted under {@code /library}; the health check passes without a
 * workaround, the static files collectstatic generated are served by nginx (its manifest
 * not), {@code pyapp run} in the daemon's context, the admin's login form with CSRF, an
 * upgrade whose migration runs in {@code pre-update}, and removal.
 */
@Tag("process")
@Tag("webserver")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pyapp.storage.persistent=false")
class DjangoProjectIT {

	private static final Log logger = LogFactory.getLog(DjangoProjectIT.class);

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
			if (Files.exists(home.resolve("apps/library"))) {
				site.pyappExit("remove", "library");
			}
			site.cleanUp();
		}
		FileSystemUtils.deleteRecursively(home);
	}

	@Test
	void packagesInstallsServesUpgradesAndRemovesADjangoProject() throws Exception {
		site = new ProjectSite(home, "library.test");
		site.apiPort(this.port);
		try {
			deploy();
		}
		finally {
			logger.info("GH-15 timings of the Django project: " + String.join(", ", site.timings()));
			this.mounts.stop();
		}
	}

	private void deploy() throws Exception {
		site.pyapp("init", "library", "--template", "django");
		assertThat(site.pyapp("package", "library").out()).startsWith("packaged library 0.1.0: ");

		CliRun installed = site.timed("install", "install", "library-0.1.0.pyapp");
		assertThat(installed.out()).contains("installed library 0.1.0 (needs-configuration)");
		site.pyapp("servers", "add", "library", "--hostname", "library.test", "--listen", "127.0.0.1:" + site.webPort);
		site.pyapp("mounts", "add", "library", "/library", "library");
		site.pyapp("webserver", "apply");
		site.timed("config", "config", "set", "library", "django.secret_key=" + "k3y-".repeat(15),
				"django.allowed_hosts=[\"library.test\"]");
		assertThat(site.pyapp("apps", "show", "library").out()).containsPattern("(?m)^state: +running")
			.containsPattern("complete: +true");

		ProjectSite.Response page = site.get("/library/");
		assertThat(page.status()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("<h1>library</h1>");
		// relative STATIC_URL: below the mount; the hashed name from
		// collectstatic's manifest
		String css = page.body()
			.replaceAll("(?s).*href=\"(/library/static/admin/css/base\\.[0-9a-f]+\\.css)\".*", "$1");
		assertThat(css).startsWith("/library/static/admin/css/base.");
		ProjectSite.Response stylesheet = site.get(css);
		assertThat(stylesheet.status()).isEqualTo(200);
		assertThat(stylesheet.headers("Content-Type")).containsExactly("text/css");
		assertThat(stylesheet.headers("Cache-Control")).hasSize(1);
		assertThat(site.get("/library/static/staticfiles.json").status()).as("excluded from serving").isEqualTo(404);
		// a host the settings do not allow
		assertThat(site.getAs("other.test", "/library/").status()).isNotEqualTo(200);

		CliRun check = site.timed("pyapp run (manage.py check)", "run", "library", "--", "python", "manage.py",
				"check");
		assertThat(check.out()).contains("System check identified no issues");
		assertThat(site.pyappExit("run", "library", "--", "python", "manage.py", "no-such-command").exitCode())
			.isEqualTo(1);
		site.pyapp("run", "library", "--", "python", "manage.py", "shell", "-c",
				"from django.contrib.auth.models import User; "
						+ "User.objects.create_superuser('admin', 'admin@example.org', 'correct-horse-battery')");

		logsIntoTheAdminWithCsrf();
		upgradesWithAMigrationInPreUpdate();

		assertThat(site.pyapp("remove", "library").out()).isEqualTo("removed library\n");
		assertThat(home.resolve("apps/library")).doesNotExist();
		assertThat(site.get("/library/").status()).isNotEqualTo(200);
	}

	private void logsIntoTheAdminWithCsrf() throws IOException {
		ProjectSite.Response form = site.get("/library/admin/login/");
		assertThat(form.status()).isEqualTo(200);
		assertThat(form.headers("Set-Cookie"))
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("csrftoken=").contains("Path=/library/"));
		String token = form.field("csrfmiddlewaretoken");

		ProjectSite.Response forged = site.post("/library/admin/login/",
				Map.of("username", "admin", "password", "correct-horse-battery"));
		assertThat(forged.status()).as("no CSRF token").isEqualTo(403);

		ProjectSite.Response login = site.post("/library/admin/login/", Map.of("csrfmiddlewaretoken", token, "username",
				"admin", "password", "correct-horse-battery", "next", "/library/admin/"));
		assertThat(login.status()).as(login.body()).isEqualTo(302);
		assertThat(login.headers("Location")).containsExactly("/library/admin/");
		assertThat(login.headers("Set-Cookie"))
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("sessionid=").contains("Path=/library/"));
		ProjectSite.Response admin = site.get("/library/admin/");
		assertThat(admin.status()).isEqualTo(200);
		assertThat(admin.body()).contains("Site administration");
	}

	private void upgradesWithAMigrationInPreUpdate() throws IOException {
		Path project = site.workspace.resolve("library");
		Files.writeString(project.resolve("src/library/models.py"), """
				from django.db import models


				class Book(models.Model):
				    title = models.CharField(max_length=200)

				    def __str__(self):
				        return self.title
				""");
		Files.writeString(project.resolve("src/library/admin.py"), """
				from django.contrib import admin

				from .models import Book

				admin.site.register(Book)
				""");
		// what manage.py makemigrations writes on the developer's machine
		Files.writeString(project.resolve("src/library/migrations/0001_initial.py"),
				"""
						from django.db import migrations, models


						class Migration(migrations.Migration):
						    initial = True
						    dependencies = []
						    operations = [
						        migrations.CreateModel(
						            name="Book",
						            fields=[
						                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
						                ("title", models.CharField(max_length=200)),
						            ],
						        ),
						    ]
						""");
		Path metadata = project.resolve("metadata.yaml");
		Files.writeString(metadata, Files.readString(metadata).replace("version: 0.1.0", "version: 0.2.0"));
		site.pyapp("package", "library");

		CliRun upgraded = site.timed("upgrade", "install", "library-0.2.0.pyapp");
		assertThat(upgraded.out()).contains("Applying library.0001_initial... OK")
			.contains("health: checking the health of 0.2.0-")
			.contains("installed library 0.2.0 (running)");

		CliRun migrations = site.pyapp("run", "library", "--", "python", "manage.py", "showmigrations", "library");
		assertThat(migrations.out()).contains("[X] 0001_initial");
		// still logged in: the session survived the upgrade, and the new model is there
		ProjectSite.Response books = site.get("/library/admin/library/book/");
		assertThat(books.status()).isEqualTo(200);
		assertThat(books.body()).contains("Select book to change");
	}

}
