package dev.pyapp.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The rules of STYLE.md §8 that the compiler does not check.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.pyapp.server");

	@Test
	void onlyNodesStartsProcesses() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("dev.pyapp.server.nodes..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName(ProcessBuilder.class.getName())
			.orShould()
			.dependOnClassesThat()
			.resideInAPackage("com.jcraft.jsch..");
		rule.check(classes);
	}

	@Test
	void onlyCliWritesToStandardOutput() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("dev.pyapp.server.cli..")
			.should()
			.accessField(System.class, "out")
			.orShould()
			.accessField(System.class, "err");
		rule.check(classes);
	}

	@Test
	void caseConversionNamesItsLocale() {
		ArchRule rule = noClasses().should()
			.callMethod(String.class, "toLowerCase")
			.orShould()
			.callMethod(String.class, "toUpperCase");
		rule.check(classes);
	}

	@Test
	void streamsAreCollectedWithToList() {
		ArchRule rule = noClasses().should().callMethod(java.util.stream.Collectors.class, "toList");
		rule.check(classes);
	}

}
