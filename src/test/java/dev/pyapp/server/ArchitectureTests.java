package dev.pyapp.server;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The rules of STYLE.md §8 that the compiler does not check.
 */
class ArchitectureTests {

	private static final JavaClasses classes = importMainClasses();

	/**
	 * The server's classes, without resolving what they refer to from the classpath. By
	 * default ArchUnit also imports every library and JDK class the code names (Spring's,
	 * Jackson's, picocli's, ...), which took most of this class's time (16 s of 20 s
	 * alone, 4 s without). The rules only read names the server's own bytecode holds:
	 * dependency targets, field and method access targets, annotations of the server's
	 * own methods; the import has them either way. Measured on this code: the same
	 * classes, field accesses, method calls and annotated methods; the dependencies
	 * differ only by the types of library annotations' default values (picocli's
	 * providers, Jackson's enums), never ProcessBuilder or JSch. Switched off for this
	 * import only: Spring Modulith's ({@link ModularityTests}, same JVM) needs the
	 * library classes for its documentation.
	 */
	private static JavaClasses importMainClasses() {
		ArchConfiguration configuration = ArchConfiguration.get();
		boolean resolve = configuration.resolveMissingDependenciesFromClassPath();
		configuration.setResolveMissingDependenciesFromClassPath(false);
		try {
			return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("dev.pyapp.server");
		}
		finally {
			configuration.setResolveMissingDependenciesFromClassPath(resolve);
		}
	}

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

	/**
	 * The supervisor watches for crashes only once the server is up and every other
	 * reaction to that ran (the clean-ups of what the last run left, the web server's
	 * start): {@code SupervisorStartup} is the one listener of
	 * {@link ApplicationReadyEvent} ordered last, every other names an earlier order.
	 */
	@Test
	void crashesAreWatchedAfterEveryOtherReactionToTheServerBeingUp() {
		Map<String, Integer> orders = new TreeMap<>();
		for (JavaClass type : classes) {
			for (JavaMethod method : type.getMethods()) {
				if (!method.isAnnotatedWith(EventListener.class)) {
					continue;
				}
				Method reflected = method.reflect();
				EventListener listener = reflected.getAnnotation(EventListener.class);
				boolean onReady = List.of(listener.value()).contains(ApplicationReadyEvent.class)
						|| List.of(listener.classes()).contains(ApplicationReadyEvent.class)
						|| List.of(reflected.getParameterTypes()).contains(ApplicationReadyEvent.class);
				if (onReady) {
					Order order = reflected.getAnnotation(Order.class);
					orders.put(type.getSimpleName() + "." + method.getName(), (order != null) ? order.value() : null);
				}
			}
		}
		assertThat(orders).containsEntry("SupervisorStartup.onReady", Ordered.LOWEST_PRECEDENCE);
		orders.remove("SupervisorStartup.onReady");
		assertThat(orders).isNotEmpty()
			.allSatisfy((listener,
					order) -> assertThat(order).as(listener).isNotNull().isLessThan(Ordered.LOWEST_PRECEDENCE));
	}

	@Test
	void streamsAreCollectedWithToList() {
		ArchRule rule = noClasses().should().callMethod(java.util.stream.Collectors.class, "toList");
		rule.check(classes);
	}

}
