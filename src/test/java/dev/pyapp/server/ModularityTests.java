package dev.pyapp.server;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * Keeps the architecture honest: no cycles, no access to another module's internals, and
 * only the dependencies each {@code package-info.java} allows.
 */
class ModularityTests {

	private final ApplicationModules modules = ApplicationModules.of(PyappServerApplication.class);

	@Test
	void verifiesModularStructure() {
		this.modules.verify();
	}

}
