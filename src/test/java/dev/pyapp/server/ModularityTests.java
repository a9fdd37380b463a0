package dev.pyapp.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Keeps the architecture honest: no cycles, no access to another module's internals, and
 * only the dependencies each {@code package-info.java} allows. Also writes the module
 * documentation to {@code docs/modules/} (committed, so a change to the module graph
 * shows in review).
 */
class ModularityTests {

	private static final Path DOCUMENTATION = Path.of("docs", "modules");

	private final ApplicationModules modules = ApplicationModules.of(PyappServerApplication.class);

	@Test
	void verifiesModularStructure() {
		this.modules.verify();
	}

	@Test
	void writesModuleDocumentation() throws IOException {
		new Documenter(this.modules, Documenter.Options.defaults().withOutputFolder(DOCUMENTATION.toString()))
			.writeDocumentation();
		try (Stream<Path> files = Files.list(DOCUMENTATION)) {
			for (Path file : files.toList()) {
				List<String> lines = Files.readAllLines(file);
				Files.write(file, file.toString().endsWith(".puml") ? sortedRuns(lines) : sortedLists(lines));
			}
		}
	}

	/**
	 * Documenter writes a diagram's components and relations in hash order; sorted, the
	 * committed files change only when the module graph does.
	 */
	private static List<String> sortedRuns(List<String> lines) {
		List<String> sorted = new ArrayList<>(lines.size());
		List<String> run = new ArrayList<>();
		String runKind = "";
		for (String line : lines) {
			String kind = kind(line);
			if (!kind.equals(runKind) || kind.isEmpty()) {
				run.sort(null);
				sorted.addAll(run);
				run.clear();
				runKind = kind;
			}
			run.add(line);
		}
		run.sort(null);
		sorted.addAll(run);
		return sorted;
	}

	/**
	 * The same for the canvases' lists (a table cell starting {@code |* }, items
	 * {@code * }, sub-items {@code ** }).
	 */
	private static List<String> sortedLists(List<String> lines) {
		List<String> sorted = new ArrayList<>(lines.size());
		List<List<String>> items = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("** ") && !items.isEmpty()) {
				items.get(items.size() - 1).add(line);
				continue;
			}
			if (line.startsWith("* ") && !items.isEmpty()) {
				items.add(new ArrayList<>(List.of(line)));
				continue;
			}
			addSorted(items, sorted);
			if (line.startsWith("|* ")) {
				items.add(new ArrayList<>(List.of(line.substring(1))));
			}
			else {
				sorted.add(line);
			}
		}
		addSorted(items, sorted);
		return sorted;
	}

	private static void addSorted(List<List<String>> items, List<String> into) {
		if (items.isEmpty()) {
			return;
		}
		items.sort((a, b) -> a.get(0).compareTo(b.get(0)));
		for (int i = 0; i < items.size(); i++) {
			List<String> item = items.get(i);
			into.add((i == 0) ? "|" + item.get(0) : item.get(0));
			into.addAll(item.subList(1, item.size()));
		}
		items.clear();
	}

	private static String kind(String line) {
		String trimmed = line.trim();
		if (trimmed.startsWith("Rel(")) {
			return "Rel";
		}
		return trimmed.startsWith("Component(") ? "Component" : "";
	}

}
