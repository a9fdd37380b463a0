/**
 * The internals of {@code scm}, which Modulith keeps from other modules: the git work's
 * parts (the strategies over a mirror's refs in {@code RevisionSelector}, the export of a
 * commit's tree in {@code TreeExporter}, the size bound of a clone, the SSH transport
 * with the pinned host key, the stored HTTPS tokens and readable git errors), the stored
 * post-commit hooks and deliveries with their repositories, and the module's
 * configuration properties.
 */
@NullMarked
package dev.pyapp.server.scm.internal;

import org.jspecify.annotations.NullMarked;
