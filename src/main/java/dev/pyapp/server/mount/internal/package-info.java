/**
 * The internals of {@code mount}, which Modulith keeps from other modules: the staged and
 * applied virtual servers and mounts ({@code MountStore}, {@code MountStaging},
 * {@code StagedChanges}) and the checks every value passes ({@code MountValidator},
 * forbidden and unreadable folders), the renderers of nginx, Apache and lighttpd
 * configurations ({@code RenderModel}, {@code MountTargets}), the safe apply of a
 * configuration ({@code ApplyPipeline}, {@code ConfigApplier}), the managed web server
 * process with its commands, files, logs, listen addresses and graceful reload, and the
 * module's configuration properties.
 */
@NullMarked
package dev.pyapp.server.mount.internal;

import org.jspecify.annotations.NullMarked;
