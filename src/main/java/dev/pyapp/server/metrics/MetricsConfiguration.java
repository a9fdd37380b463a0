package dev.pyapp.server.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The usage source (unless another bean provides one) and the per-app series on the
 * Actuator's Prometheus registry.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean(AppUsageSource.class)
	AppUsageSource procfsUsageSource() {
		return new ProcfsUsageSource();
	}

	@Bean
	PrometheusAppSeries prometheusAppSeries(AppMetrics metrics, ObjectProvider<PrometheusRegistry> registry) {
		PrometheusAppSeries series = new PrometheusAppSeries(metrics);
		// the Actuator's registry, which the scrape endpoint writes from (absent only in
		// test slices without the Actuator)
		registry.ifAvailable((prometheus) -> prometheus.register(series));
		return series;
	}

}
