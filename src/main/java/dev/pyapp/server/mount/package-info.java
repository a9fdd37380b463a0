/**
 * Virtual servers and mounts, and the nginx, Apache httpd and lighttpd configuration
 * rendered from them: test, atomic swap and graceful reload, of a managed or a system web
 * server.
 */
@NullMarked
@ApplicationModule(displayName = "Mounts", allowedDependencies = { "core", "runtime", "install", "packaging", "nodes" })
package dev.pyapp.server.mount;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
