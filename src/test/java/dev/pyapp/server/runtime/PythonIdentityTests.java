package dev.pyapp.server.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PythonIdentityTests {

	@Test
	void findsTheProbesLineAmongOtherOutput() {
		PythonIdentity identity = PythonIdentity
			.parse("*** Starting uWSGI ***\nPYAPP-PYTHON cpython 3.11.2 cpython-311-x86_64-linux-gnu\ngoodbye\n");

		assertThat(identity).isEqualTo(new PythonIdentity("cpython", "3.11.2", "cpython-311-x86_64-linux-gnu"));
		assertThat(identity.minor()).isEqualTo("3.11");
		assertThat(PythonIdentity.parse("PYAPP-PYTHON pypy 3.10.14 -"))
			.isEqualTo(new PythonIdentity("pypy", "3.10.14", ""));
		assertThat(PythonIdentity.parse("no python here")).isNull();
	}

	@Test
	void matchesTheSameBuildOnly() {
		PythonIdentity debian = new PythonIdentity("cpython", "3.11.2", "cpython-311-x86_64-linux-gnu");

		assertThat(debian.runs(new PythonIdentity("cpython", "3.11.2", "cpython-311-x86_64-linux-gnu"))).isTrue();
		assertThat(debian.runs(new PythonIdentity("cpython", "3.11.7", "cpython-311-x86_64-linux-gnu"))).isFalse();
		assertThat(debian.runs(new PythonIdentity("cpython", "3.11.2", "cpython-311d-x86_64-linux-gnu"))).isFalse();
		assertThat(debian.runs(new PythonIdentity("pypy", "3.11.2", "cpython-311-x86_64-linux-gnu"))).isFalse();
	}

}
