package dev.pyapp.server.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.pyapp.server.security.Role;

/**
 * Declares a JSON-RPC method on a bean method of an {@link RpcEndpoint}. The bean method
 * takes no argument, or one record that the request's {@code params} are bound to (by
 * name for an object, by position for an array). Record components without
 * {@code @Nullable} are required. The return value is the result. Every method names the
 * least {@link Role} that may call it; the dispatcher checks it before anything else, and
 * records every call that is not {@link #readOnly()} in the audit log.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcMethod {

	/**
	 * The method name, {@code module.verb}, for example {@code apps.start}.
	 * @return the name
	 */
	String value();

	/**
	 * The least role that may call the method (SPEC §10): {@code VIEWER} for the
	 * read-only methods of apps, configuration, servers, mounts, logs and tasks;
	 * {@code DEPLOYER} for the ones that change them; {@code ADMIN} for users, tokens,
	 * nodes and the audit log. No default: a new method must say.
	 * @return the role
	 */
	Role role();

	/**
	 * Whether the method changes nothing. Every other call is recorded in the audit log.
	 * @return {@code true} for a read-only method
	 */
	boolean readOnly() default false;

}
