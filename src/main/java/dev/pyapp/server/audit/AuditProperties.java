package dev.pyapp.server.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxRecords how many audit records are kept; the oldest beyond it are deleted
 */
@ConfigurationProperties("pyapp.audit")
record AuditProperties(@DefaultValue("100000") int maxRecords) {
}
