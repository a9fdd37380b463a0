package dev.pyapp.server.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of the Add a node form has a place for its own error: {@code nodes.add}
 * names {@code key_path}, {@code port} or {@code user} in {@code data.errors}, and such
 * an error appeared under the form as "key_path: '/x' is not a readable file on this
 * server" instead of beside the field.
 */
class NodeFormTemplateTests {

	@Test
	void everyFieldOfTheNodeFormHasAnErrorSlot() throws Exception {
		String page = Files.readString(Path.of("frontend-templates", "nodes", "nodes.html"));
		Matcher form = Pattern.compile("<form id=\"node-form\".*?</form>", Pattern.DOTALL).matcher(page);
		assertThat(form.find()).isTrue();
		Matcher names = Pattern.compile("<(?:input|select|textarea)[^>]*\\bname=\"([^\"]+)\"").matcher(form.group());
		int fields = 0;
		while (names.find()) {
			fields++;
			assertThat(form.group()).as("the error slot of %s", names.group(1))
				.contains("data-error-for=\"" + names.group(1) + "\"");
		}
		assertThat(fields).isEqualTo(6);
	}

}
