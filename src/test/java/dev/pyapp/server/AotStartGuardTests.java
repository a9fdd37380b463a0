package dev.pyapp.server;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class AotStartGuardTests {

	@AfterEach
	void resetFlag() {
		SpringProperties.setProperty(AotStartGuard.AOT_ENABLED, null);
	}

	@Test
	void packagedConfigurationAndFreeSettingsFit() {
		StandardEnvironment environment = environment(
				new MapPropertySource(
						"Config resource 'class path resource [application.yml]' via location 'optional:classpath:/'",
						Map.of("spring.mongodb.uri", "embedded", "management.endpoints.web.exposure.include",
								"health")),
				new MapPropertySource("applicationInfo",
						Map.of("spring.application.version", "0.1.0", "spring.application.pid", 42)),
				new SimpleCommandLinePropertySource("--server.port=8801", "--pyapp.webserver.managed=false",
						"--logging.level.root=warn", "--spring.config.additional-location=file:./extra.yml"),
				variables(Map.of("PYAPP_HOME", "/srv/pyapp", "SERVER_PORT", "8800", "PATH", "/usr/bin")),
				new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
						Map.of("java.version", "17", "spring.aot.enabled", "true")));
		assertThat(AotStartGuard.conditionalSetting(environment)).isEmpty();
	}

	@Test
	void realMongoOnTheCommandLineDecidesOnBeans() {
		StandardEnvironment environment = environment(
				new SimpleCommandLinePropertySource("--server.port=8801", "--spring.mongodb.uri=mongodb://db/pyapp"));
		assertThat(AotStartGuard.conditionalSetting(environment)).contains("spring.mongodb.uri");
	}

	@Test
	void environmentVariablesAreReadAsRelaxedNames() {
		assertThat(AotStartGuard.conditionalSetting(environment(variables(Map.of("SPRING_MAIL_HOST", "smtp")))))
			.contains("SPRING_MAIL_HOST");
		assertThat(AotStartGuard.conditionalSetting(environment(variables(Map.of("PYAPP_STORAGE_EMBEDDED", "false")))))
			.contains("PYAPP_STORAGE_EMBEDDED");
	}

	@Test
	void anOperatorsConfigurationFileCounts() {
		StandardEnvironment environment = environment(new MapPropertySource(
				"Config resource 'file [config/application.yml]' via location 'optional:file:./config/'",
				Map.of("pyapp.python.provision", "false", "management.server.port", "9000")));
		assertThat(AotStartGuard.conditionalSetting(environment)).contains("management.server.port");
	}

	@Test
	void profilesAndTheConditionsReportCount() {
		assertThat(AotStartGuard
			.conditionalSetting(environment(new SimpleCommandLinePropertySource("--spring.profiles.active=dev"))))
			.contains("spring.profiles.active");
		assertThat(AotStartGuard.conditionalSetting(environment(new SimpleCommandLinePropertySource("--debug"))))
			.contains("debug");
	}

	@Test
	void turnsTheAheadOfTimeStartOffWhenASettingDecidesOnBeans() {
		SpringProperties.setProperty(AotStartGuard.AOT_ENABLED, "true");
		new AotStartGuard()
			.onApplicationEvent(event(environment(new SimpleCommandLinePropertySource("--server.port=1"))));
		assertThat(SpringProperties.getFlag(AotStartGuard.AOT_ENABLED)).isTrue();
		new AotStartGuard()
			.onApplicationEvent(event(environment(new SimpleCommandLinePropertySource("--spring.mail.host=smtp"))));
		assertThat(SpringProperties.getFlag(AotStartGuard.AOT_ENABLED)).isFalse();
	}

	@Test
	void leavesARegularStartAlone() {
		new AotStartGuard()
			.onApplicationEvent(event(environment(new SimpleCommandLinePropertySource("--spring.mail.host=smtp"))));
		assertThat(SpringProperties.getProperty(AotStartGuard.AOT_ENABLED)).isNull();
	}

	private static StandardEnvironment environment(PropertySource<?>... sources) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		for (PropertySource<?> source : sources) {
			environment.getPropertySources().addLast(source);
		}
		return environment;
	}

	private static SystemEnvironmentPropertySource variables(Map<String, Object> variables) {
		return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				variables);
	}

	private static ApplicationEnvironmentPreparedEvent event(StandardEnvironment environment) {
		return new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(),
				new SpringApplication(PyappServerApplication.class), new String[0], environment);
	}

}
