package dev.pyapp.server;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.slf4j.LoggerFactory;

import org.springframework.aot.AotDetector;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Keeps the ahead-of-time start to the settings it was computed for. The packaged jar
 * holds the bean definitions Spring computed at build time (spring-boot-maven-plugin's
 * {@code process-aot}); {@code scripts/server-java.sh} starts it with
 * {@code -Dspring.aot.enabled=true}, which skips the parsing of the configuration classes
 * and the evaluation of their conditions. Those conditions were evaluated with the
 * packaged {@code application.yml} only, so a setting that can decide whether a bean
 * exists ({@code spring.mongodb.uri} for a real MongoDB, {@code spring.mail.host} for
 * e-mail notifications, a profile, any {@code management.*} or {@code server.*} switch,
 * {@code pyapp.storage.*}) would be ignored. When the environment sets one, from anywhere
 * but the packaged configuration, this listener turns the ahead-of-time start off before
 * the context is created, and the server starts the regular way, with every condition
 * evaluated (the same as a start without the flag). The decision is logged in one line.
 * <p>
 * Settings that never decide on a bean stay free: {@code pyapp.*} (but
 * {@code pyapp.storage.*}), {@code logging.*}, {@code server.port},
 * {@code server.address}, and {@code spring.config.*} (which only name the files whose
 * keys are checked themselves).
 */
final class AotStartGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	/** The switch of Spring's ahead-of-time start ({@link AotDetector}). */
	static final String AOT_ENABLED = AotDetector.AOT_ENABLED;

	/** Where Spring Boot's conditions read their settings from. */
	private static final Set<String> CONDITION_PREFIXES = Set.of("spring.", "management.", "server.", "pyapp.storage.");

	private static final Set<String> CONDITION_KEYS = Set.of("debug", "trace");

	private static final Set<String> FREE_KEYS = Set.of("server.port", "server.address", AOT_ENABLED,
			"spring.context.exit", "spring.main.banner-mode");

	private static final String FREE_PREFIX = "spring.config.";

	/**
	 * Sources Spring Boot fills itself, the same at every start: the application's
	 * version and pid, random values, the view over all sources.
	 */
	private static final Set<String> OWN_SOURCES = Set.of("applicationInfo", "random", "configurationProperties");

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		Optional<String> setting = conditionalSetting(event.getEnvironment());
		if (setting.isPresent()) {
			SpringProperties.setProperty(AOT_ENABLED, "false");
			LoggerFactory.getLogger(PyappServerApplication.class)
				.info("Regular start instead of the ahead-of-time one: '{}' is set and may decide which beans exist",
						setting.get());
		}
	}

	/**
	 * The first setting of the environment, outside the packaged configuration, that a
	 * condition might read.
	 * @param environment the prepared environment
	 * @return the setting's name (as written in its source), or empty when the
	 * ahead-of-time bean definitions fit
	 */
	static Optional<String> conditionalSetting(ConfigurableEnvironment environment) {
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable) || packaged(source)) {
				continue;
			}
			boolean variables = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName());
			for (String name : enumerable.getPropertyNames()) {
				if (conditional(variables ? fromVariable(name) : name.toLowerCase(Locale.ROOT))) {
					return Optional.of(name);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The jar's own configuration (the conditions were evaluated with it at build time)
	 * and what Spring Boot sets itself.
	 */
	private static boolean packaged(PropertySource<?> source) {
		return source.getName().contains("class path resource [") || OWN_SOURCES.contains(source.getName());
	}

	/**
	 * SPRING_MONGODB_URI as Spring Boot's relaxed binding reads it: spring.mongodb.uri.
	 */
	private static String fromVariable(String name) {
		return name.toLowerCase(Locale.ROOT).replace('_', '.');
	}

	private static boolean conditional(String key) {
		if (FREE_KEYS.contains(key) || key.startsWith(FREE_PREFIX)) {
			return false;
		}
		return CONDITION_KEYS.contains(key) || CONDITION_PREFIXES.stream().anyMatch(key::startsWith);
	}

}
