package dev.pyapp.server.appconfig;

/**
 * The guestbook spec of SPEC §2, in both file formats, plus a list field.
 */
final class SpecFixtures {

	static final String GUESTBOOK_YAML = """
			format: 1
			output: yaml
			sections:
			  - name: site
			    label: Site
			    fields:
			      - name: title
			        widget: text
			        label: Site title
			        help: Shown in the page header
			        default: My guestbook
			        required: true
			        pattern: "^.{1,80}$"
			      - name: entries_per_page
			        widget: integer
			        min: 1
			        max: 500
			        default: 20
			      - name: admin_email
			        widget: email
			      - name: theme
			        widget: choice
			        choices: [light, dark]
			        default: light
			      - name: secret_key
			        widget: secret
			        required: true
			      - name: tags
			        widget: list
			        item: text
			        max_items: 3
			        default: [news, blog]
			  - name: server
			    label: Server
			    help: Where the app listens
			    fields:
			      - name: port
			        widget: port
			        default: 8080
			      - name: timeout
			        widget: duration
			        default: 30s
			""";

	static final String GUESTBOOK_INI = """
			# the same spec as configuration.yaml
			format = 1
			output = yaml

			[site]
			__label__ = Site
			title = text(required=true, pattern="^.{1,80}$", default="My guestbook", label="Site title", help='Shown in the page header')
			entries_per_page = integer(1, 500, default=20)
			admin_email = email
			theme = choice("light", "dark", default="light")
			secret_key = secret(required=true)  ; write-only
			tags = list(item=text, max_items=3, default=list("news", "blog"))

			[server]
			__label__ = "Server"
			__help__ = Where the app listens
			port = port(default=8080)
			timeout = duration(default=30s)
			""";

	private SpecFixtures() {
	}

}
