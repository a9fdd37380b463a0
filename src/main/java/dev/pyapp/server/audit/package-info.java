/**
 * The audit log (SPEC §10 "Audit and roles"): who changed what, when, with which outcome.
 * Every state-changing call of the API, every upload, every deploy a webhook or the drop
 * folder triggered is one record, with secrets masked; records are kept in a bounded
 * MongoDB collection and queried newest first.
 */
@NullMarked
@ApplicationModule(displayName = "Audit", allowedDependencies = {})
package dev.pyapp.server.audit;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
