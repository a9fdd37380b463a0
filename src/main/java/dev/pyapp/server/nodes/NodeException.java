package dev.pyapp.server.nodes;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * A node could not run what it was asked to.
 */
public class NodeException extends PyappException {

	public NodeException(String message, @Nullable Throwable cause) {
		super(ErrorKind.FAILED, message, cause);
	}

}
