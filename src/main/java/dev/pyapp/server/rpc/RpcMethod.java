package dev.pyapp.server.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a JSON-RPC method on a bean method of an {@link RpcEndpoint}. The bean method
 * takes no argument, or one record that the request's {@code params} are bound to (by
 * name for an object, by position for an array). Record components without
 * {@code @Nullable} are required. The return value is the result.
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

}
