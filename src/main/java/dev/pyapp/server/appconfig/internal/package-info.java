/**
 * The internals of {@code appconfig}, which Modulith keeps from other modules: the
 * hardened YAML loader ({@code SafeYaml}), the parsing of {@code configuration.yaml} and
 * of INI values into raw specs, the coercion of values to their base type, the built-in
 * validators and cron fields, and the module's configuration properties.
 */
@NullMarked
package dev.pyapp.server.appconfig.internal;

import org.jspecify.annotations.NullMarked;
