package dev.pyapp.server.install.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param uploadLimit the largest archive {@code POST /api/archives} accepts
 * @param uploadExpiry how long an uploaded archive waits for {@code apps.install} before
 * it is deleted
 */
@ConfigurationProperties("pyapp.install")
public record InstallProperties(@DefaultValue("512MB") DataSize uploadLimit,
		@DefaultValue("1h") Duration uploadExpiry) {

	@ConstructorBinding
	public InstallProperties {
	}

	public InstallProperties(DataSize uploadLimit) {
		this(uploadLimit, Duration.ofHours(1));
	}

}
