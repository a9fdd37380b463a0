package dev.pyapp.server.core;

/**
 * What kind of failure a {@link PyappException} reports. Each kind has a stable JSON-RPC
 * error code (SPEC §6) and a stable {@code data.type}.
 */
public enum ErrorKind {

	/** Something named in the request does not exist (-32001). */
	NOT_FOUND(-32001, "not-found"),

	/** The input is invalid; the exception lists every problem (-32002). */
	INVALID(-32002, "invalid"),

	/** The request conflicts with the current state (-32003). */
	CONFLICT(-32003, "conflict"),

	/** The caller may not do this (-32004). */
	FORBIDDEN(-32004, "forbidden"),

	/** A step failed; the exception carries what the step printed (-32005). */
	FAILED(-32005, "failed");

	private final int code;

	private final String type;

	ErrorKind(int code, String type) {
		this.code = code;
		this.type = type;
	}

	public int code() {
		return this.code;
	}

	public String type() {
		return this.type;
	}

}
