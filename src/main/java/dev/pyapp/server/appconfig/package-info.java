/**
 * An app's configuration: its spec ({@code configuration.yaml} or
 * {@code configuration.ini}), the widget library that says how each field is edited and
 * validated, validation of submitted values, and the config file the app reads.
 */
@NullMarked
@ApplicationModule(displayName = "App configuration", allowedDependencies = "core")
package dev.pyapp.server.appconfig;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
