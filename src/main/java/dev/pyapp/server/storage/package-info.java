/**
 * Where the server's MongoDB is: a real MongoDB when {@code spring.mongodb.uri} is set,
 * otherwise an in-process MongoDB wire-protocol server (mongo-java-server with its H2
 * backend) whose data file lives under {@code PYAPP_HOME/db/}.
 */
@NullMarked
@ApplicationModule(displayName = "Storage", allowedDependencies = { "core", "install" })
package dev.pyapp.server.storage;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
