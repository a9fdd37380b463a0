/**
 * The internals of {@code deploy}, which Modulith keeps from other modules: the process
 * manager ({@code DeployProcess}) and its steps ({@code ReleaseSteps},
 * {@code ConfigurationGate}, {@code GeneratedStatics}, {@code KeptEnvironment}), the
 * per-app locks, progress reports, removal and rollback targets, the settling of
 * interrupted deploys at start, and the watched drop folder with its properties.
 */
@NullMarked
package dev.pyapp.server.deploy.internal;

import org.jspecify.annotations.NullMarked;
