package dev.pyapp.server.packaging.internal;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of {@code pyapp.packaging.*}, and that the reader's defaults outside Spring are
 * the same as inside.
 */
class PackagingPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

	@Test
	void defaultsMatchSpec() {
		this.runner.run((context) -> assertThat(context.getBean(PackagingProperties.class))
			.isEqualTo(PackagingProperties.defaults())
			.satisfies((properties) -> {
				assertThat(properties.maxEntries()).isEqualTo(50_000);
				assertThat(properties.maxUncompressedSize()).isEqualTo(DataSize.ofGigabytes(2));
				assertThat(properties.maxCompressionRatio()).isEqualTo(200);
				assertThat(properties.compressionRatioThreshold()).isEqualTo(DataSize.ofMegabytes(1));
			}));
	}

	@Test
	void bindsEveryLimit() {
		this.runner
			.withPropertyValues("pyapp.packaging.max-entries=10", "pyapp.packaging.max-uncompressed-size=10MB",
					"pyapp.packaging.max-compression-ratio=50", "pyapp.packaging.compression-ratio-threshold=64KB",
					"pyapp.packaging.max-yaml-aliases=5", "pyapp.packaging.max-yaml-size=16KB")
			.run((context) -> assertThat(context.getBean(PackagingProperties.class)).isEqualTo(new PackagingProperties(
					10, DataSize.ofMegabytes(10), 50, DataSize.ofKilobytes(64), 5, DataSize.ofKilobytes(16))));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(PackagingProperties.class)
	static class Config {

	}

}
