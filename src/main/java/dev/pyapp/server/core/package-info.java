/**
 * Shared value types ({@link dev.pyapp.server.core.AppId}), the layout of
 * {@code PYAPP_HOME} ({@link dev.pyapp.server.core.PyappHome}) and the base
 * {@link dev.pyapp.server.core.PyappException} every module's errors extend.
 */
@NullMarked
@ApplicationModule(displayName = "Core")
package dev.pyapp.server.core;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
