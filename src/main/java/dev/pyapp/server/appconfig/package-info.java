/**
 * An app's configuration: its spec ({@code configuration.yaml} or
 * {@code configuration.ini}), the widget library that says how each field is edited and
 * validated, validation of submitted values, and the config file the app reads.
 * <p>
 * The API is this package: {@code AppConfigurator} (an app's values, their validation,
 * migration and the config file), {@code ConfigSpecReader} and {@code WidgetLibrary}, the
 * spec ({@code ConfigSpec}, {@code Validation}, {@code BaseType}, {@code Widget}),
 * results ({@code ValidationResult}, {@code ConfigStatus}, {@code ConfigMigration}) and
 * the {@code ConfigChanged} event. Beside them stay the checkers that use package-private
 * members of {@code BaseType} and {@code Validation} ({@code FieldChecker},
 * {@code RuleReader}, {@code IniSpecParser}) and the classes built on
 * {@code FieldChecker} or {@code RuleReader} ({@code ConfigValues},
 * {@code ConfigMigrator}, {@code IniConfigFormat}, {@code ConfigFileStore},
 * {@code SpecBuilder}, {@code WidgetResolver}). The parsers' plumbing (the YAML loader,
 * the INI value reader, raw specs, coercion, built-in validators, cron fields) and the
 * configuration properties are in {@code appconfig.internal}.
 */
@NullMarked
@ApplicationModule(displayName = "App configuration", allowedDependencies = "core")
package dev.pyapp.server.appconfig;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
