/**
 * The internals of {@code logs}, which Modulith keeps from other modules: the stores
 * ({@code LogStore}, capped or emulated, and how records are encoded for them), the
 * writer threads, the memory buffer of recent records and the spill file, the listeners
 * that turn other modules' events into records, the reading of the apps' output files
 * ({@code AppOutputReader}: the offsets store, one file's reader, the size bound), the
 * stored notification rules and their sending, and the module's configuration properties.
 */
@NullMarked
package dev.pyapp.server.logs.internal;

import org.jspecify.annotations.NullMarked;
