/**
 * Who may call the server: API tokens (the local {@code PYAPP_HOME/api-token} and tokens
 * created per user), users of the web UI, and the filter chains that guard {@code /rpc}
 * and {@code /api/**} (bearer token or UI session with CSRF), the web UI (form login) and
 * {@code /hooks/**} (left to the signature checks of {@code scm}).
 */
@NullMarked
@ApplicationModule(displayName = "Security", allowedDependencies = "core")
package dev.pyapp.server.security;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
