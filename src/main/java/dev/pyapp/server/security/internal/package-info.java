/**
 * The internals of {@code security}, which Modulith keeps from other modules: the token
 * repository and the cache of recent callers, the login throttle, the JSON refusals for
 * API clients, and the module's configuration properties ({@code pyapp.api},
 * {@code pyapp.security.login}).
 */
@NullMarked
package dev.pyapp.server.security.internal;

import org.jspecify.annotations.NullMarked;
