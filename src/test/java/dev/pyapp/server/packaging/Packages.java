package dev.pyapp.server.packaging;

import java.util.List;

import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.ConfigSpecReader;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.internal.PackagingProperties;

import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Fixtures for the packaging tests: metadata documents and small packages.
 */
public final class Packages {

	/** The smallest valid metadata.yaml. */
	public static final String MINIMAL = """
			format: 1
			name: hello
			version: 0.1.0
			entry:
			  wsgi: hello.web:application
			""";

	/** The example of SPEC §1, every key used. */
	static final String SPEC_EXAMPLE = """
			format: 1                         # required; the only known value is 1
			name: guestbook                   # required; ^[a-z][a-z0-9-]{0,39}$
			version: 1.4.0                    # required; PEP 440
			summary: A tiny guestbook         # optional, one line
			python: ">=3.9"                   # optional PEP 440 specifier for the interpreter
			entry:                            # required: exactly one of wsgi / factory
			  wsgi: guestbook.web:application # module:attribute, a WSGI callable
			  # factory: guestbook.web:create_app  # called with no arguments, returns the WSGI callable
			dependencies:                     # optional; PEP 508 requirement strings
			  - requirement: "bottle==0.12.25"
			    scope: local                  # local (default): the app's own environment
			  - requirement: "markupsafe>=2.1"
			    scope: shared                 # shared: server-packages, shared by every app
			resources:
			  writable: [sessions, cache]     # directories created for the app, kept across releases
			  databases:                      # optional
			    - name: main
			      kind: sqlite                # sqlite | mongodb
			static:                           # optional; served by the web server directly
			  - url: /static                  # below the app's mount path
			    path: static/guestbook        # relative to the archive root
			daemon:                           # optional
			  method: threading               # threading (one process, N threads) | processes (N processes)
			  workers: 2                      # processes (method: processes)
			  threads: 8                      # threads per process
			  bind: socket                    # socket (unix socket, default) | port (from the server's port range)
			  server: uwsgi                   # gunicorn | uwsgi (default: the server's pyapp.runtime.server)
			health:                           # optional
			  path: /                         # GET below the mount; 2xx/3xx means healthy
			  timeout: 10s
			updates:                          # optional; how a git source follows new commits
			  strategy: one-branch            # always-latest | one-branch | latest-tag
			  branch: main                    # for one-branch
			  tag_pattern: "v*"               # for latest-tag (glob); newest by PEP 440 order
			  auto: true                      # false: a post-commit hook only records that an update is available
			hooks:                            # optional; module:callable, run in the app's environment and context
			  post-install: guestbook.hooks:post_install
			  pre-update: guestbook.hooks:pre_update
			  post-update: guestbook.hooks:post_update
			  pre-delete: guestbook.hooks:pre_delete
			tasks:                            # optional recurring work, run in the app's environment and context
			  - name: purge-sessions
			    schedule: "*/30 * * * *"      # 5-field cron
			    call: guestbook.tasks:purge
			""";

	/** What the spec reader stub returns for any valid spec. */
	static final ConfigSpec SPEC = new ConfigSpecReader().read("configuration.yaml", """
			format: 1
			sections:
			  - name: site
			    fields:
			      - name: title
			        widget: text
			""");

	private Packages() {
	}

	/** A package with the given metadata, a source package and a static file. */
	static TestZip app(String metadata) {
		return new TestZip().file("metadata.yaml", metadata)
			.file("src/hello/__init__.py", "")
			.file("src/hello/web.py", "def application(environ, start_response):\n    pass\n")
			.file("static/guestbook/site.css", "body {}\n");
	}

	/**
	 * A stand-in for the appconfig module's reader: any spec is {@link #SPEC}, except one
	 * containing {@code widget: nope}, which is refused.
	 */
	static ConfigSpecReader specReader() {
		ConfigSpecReader reader = mock(ConfigSpecReader.class);
		given(reader.read(anyString(), anyString(), anyMap())).willReturn(SPEC);
		given(reader.read(anyString(), contains("widget: nope"), anyMap()))
			.willThrow(PyappException.invalid("invalid spec",
					List.of(new Problem("configuration.yaml: sections[0].fields[0].widget", "unknown widget 'nope'"))));
		return reader;
	}

	public static PackageReader reader() {
		return new PackageReader(PackagingProperties.defaults(), specReader());
	}

}
