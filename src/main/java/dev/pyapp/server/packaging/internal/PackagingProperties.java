package dev.pyapp.server.packaging.internal;

import dev.pyapp.server.core.YamlLoader;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits that protect the server from hostile archives (SPEC §9).
 *
 * @param maxEntries the most entries (files and directories) an archive may have
 * @param maxUncompressedSize the most bytes an archive may inflate to, counted while
 * inflating (declared sizes are not trusted)
 * @param maxCompressionRatio the highest ratio of inflated to compressed size allowed for
 * an entry larger than {@code compressionRatioThreshold}
 * @param compressionRatioThreshold entries up to this inflated size are not checked for
 * their compression ratio (small files of zeros compress well and are harmless)
 * @param maxYamlAliases the most aliases to collections a YAML document may use (billion
 * laughs)
 * @param maxYamlSize the largest {@code metadata.yaml} or configuration spec accepted
 */
@ConfigurationProperties("pyapp.packaging")
public record PackagingProperties(@DefaultValue("50000") int maxEntries,
		@DefaultValue("2GB") DataSize maxUncompressedSize, @DefaultValue("200") int maxCompressionRatio,
		@DefaultValue("1MB") DataSize compressionRatioThreshold, @DefaultValue("50") int maxYamlAliases,
		@DefaultValue("1MB") DataSize maxYamlSize) {

	/** The defaults, for code that builds a reader without Spring. */
	public static PackagingProperties defaults() {
		return new PackagingProperties(50000, DataSize.ofGigabytes(2), 200, DataSize.ofMegabytes(1), 50,
				DataSize.ofMegabytes(1));
	}

	/**
	 * The bounds of {@code metadata.yaml}: {@link #maxYamlAliases} and
	 * {@link #maxYamlSize} (as characters), the loader's default nesting depth.
	 * @return the limits
	 */
	YamlLoader.Limits yamlLimits() {
		return YamlLoader.Limits.DEFAULTS.withMaxAliases(this.maxYamlAliases)
			.withMaxCodePoints((int) Math.min(Integer.MAX_VALUE, this.maxYamlSize.toBytes()));
	}

}
