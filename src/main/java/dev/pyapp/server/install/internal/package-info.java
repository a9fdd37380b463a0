/**
 * The internals of {@code install}, which Modulith keeps from other modules: the
 * repositories of installed apps, releases and lifecycles, and the module's configuration
 * properties ({@code pyapp.install}, {@code pyapp.releases}).
 */
@NullMarked
package dev.pyapp.server.install.internal;

import org.jspecify.annotations.NullMarked;
