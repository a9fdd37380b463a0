package dev.pyapp.server.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The configuration form's fields: a widget's fragment when the widget library has one
 * (here the test widget {@code uitest-stars} from the test classpath), a plain input for
 * the base type otherwise; secrets never carry a value; text is escaped.
 */
@SpringBootTest
@AutoConfigureMockMvc
@WithMockUser("operator")
class ConfigFormIntegrationTests {

	private static final String SPEC = """
			{"spec": {"sections": [{"name": "site", "label": "Site <b>one</b>", "fields": [
			  {"name": "rating", "widget": "uitest-stars", "type": "integer", "label": "Rating",
			   "validation": {"max_length": 3}},
			  {"name": "count", "widget": "no-such-widget", "type": "integer", "label": "Count", "min": 1, "max": 9,
			   "default": 4},
			  {"name": "flags", "widget": "no-such-widget", "type": "list", "label": "Flags",
			   "choices": ["a", "b"]},
			  {"name": "key", "widget": "secret", "type": "string", "label": "<script>alert(1)</script>"},
			  {"name": "plain", "widget": "no-such-widget", "type": "string", "label": "Plain"},
			  {"name": "derived", "widget": "fancy", "type": "integer", "label": "Derived",
			   "template": "widgets/uitest-stars :: widget"},
			  {"name": "evil", "widget": "text", "type": "string", "label": "Evil",
			   "template": "__${T(java.lang.Runtime).getRuntime().exec('id')}__"},
			  {"name": "outside", "widget": "text", "type": "string", "label": "Outside",
			   "template": "login :: x"}
			]}]},
			 "values": {"values": {"site": {"rating": 4, "flags": ["b"], "key": "s3cr3t-value",
			   "plain": "<i>hi</i>"}}}}
			""";

	@Autowired
	private MockMvc mvc;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path home = TestHomes.create("pyapp-configform");
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@Test
	void rendersFragmentsAndFallbacksWithoutSecrets() throws Exception {
		String html = this.mvc
			.perform(post("/apps/guestbook/config/fields").with(csrf())
				.contentType(MediaType.APPLICATION_JSON)
				.content(SPEC))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(html).contains("class=\"config-field uitest-stars\"")
			.contains("name=\"site.rating\" value=\"4\"")
			.contains("data-max-length=\"3\"");
		assertThat(html).containsPattern(
				"type=\"number\" id=\"f-site-count\"\\s+name=\"site.count\" value=\"4\" min=\"1\" max=\"9\"");
		assertThat(html).containsPattern("type=\"checkbox\"[^>]*name=\"site.flags\"[^>]*value=\"b\"[^>]*checked");
		assertThat(html).as("a widget based on another renders with the base's fragment")
			.contains("id=\"cfg-site-derived\" name=\"site.derived\"");
		assertThat(html).as("only fragments of widgets/ templates are rendered")
			.contains("id=\"f-site-evil\"")
			.contains("id=\"f-site-outside\"");
		assertThat(html).contains("data-path=\"site.key\"").contains("type=\"password\"").doesNotContain("s3cr3t");
		assertThat(html).doesNotContain("<script>")
			.doesNotContain("<b>one</b>")
			.doesNotContain("<i>hi</i>")
			.contains("&lt;i&gt;hi&lt;/i&gt;");
	}

	@Test
	void renderingIsStateChangingSoItNeedsTheCsrfToken() throws Exception {
		// a session that holds a token, and a request without it: refused
		MockHttpSession session = new MockHttpSession();
		session.setAttribute(HttpSessionCsrfTokenRepository.class.getName().concat(".CSRF_TOKEN"),
				new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "the-sessions-token"));
		this.mvc
			.perform(post("/apps/guestbook/config/fields").session(session)
				.contentType(MediaType.APPLICATION_JSON)
				.content(SPEC))
			.andExpect(status().isForbidden());
		// no session holds a token (the server restarted, the session timed out): the
		// login page says the session expired, and nothing is rendered
		this.mvc.perform(post("/apps/guestbook/config/fields").contentType(MediaType.APPLICATION_JSON).content(SPEC))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/login?expired"));
	}

	@Test
	void aBadAppNameIsNotFound() throws Exception {
		this.mvc.perform(get("/apps/Not_An_App")).andExpect(status().isNotFound());
	}

}
