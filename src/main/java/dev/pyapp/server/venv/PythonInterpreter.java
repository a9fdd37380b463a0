package dev.pyapp.server.venv;

import java.nio.file.Path;

/**
 * A Python interpreter of the host with a working {@code venv} module.
 *
 * @param executable the real executable ({@code sys.executable})
 * @param version its version, such as {@code 3.11.2}
 * @param bundledWheels the directory of the wheels {@code ensurepip} ships (pip,
 * setuptools), or {@code null} if unknown; used to build source projects offline
 * @param implementation {@code sys.implementation.name} ({@code cpython}), or {@code ""}
 * if unknown
 * @param abi its ABI tag ({@code sysconfig.get_config_var("SOABI")}, such as
 * {@code cpython-311-x86_64-linux-gnu}), or {@code ""} if unknown or none
 */
public record PythonInterpreter(Path executable, String version, @org.jspecify.annotations.Nullable Path bundledWheels,
		String implementation, String abi) {

	/**
	 * An interpreter whose implementation and ABI are unknown (not asked yet).
	 * @param executable the real executable
	 * @param version its version
	 * @param bundledWheels the directory of the wheels {@code ensurepip} ships, or
	 * {@code null}
	 */
	public PythonInterpreter(Path executable, String version, @org.jspecify.annotations.Nullable Path bundledWheels) {
		this(executable, version, bundledWheels, "", "");
	}

	@Override
	public String toString() {
		return this.version + " (" + this.executable + ")";
	}

}
