/**
 * Git sources (JGit): clone and fetch, the deployment strategies always-latest,
 * one-branch and latest-tag, and the signed post-commit webhook receiver, which publishes
 * {@code PushReceived}. Uses {@code packaging} for the PEP 440 order of tags only.
 */
@NullMarked
@ApplicationModule(displayName = "Source control", allowedDependencies = { "core", "packaging" })
package dev.pyapp.server.scm;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
