package dev.pyapp.server.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The method table: every {@link RpcMethod} of every {@link RpcEndpoint} bean, checked
 * once at startup (unique names, at most one record parameter).
 */
@Component
class RpcMethodRegistry implements SmartInitializingSingleton {

	private final ApplicationContext context;

	private final Map<String, Handler> handlers = new TreeMap<>();

	RpcMethodRegistry(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.context.getBeansWithAnnotation(RpcEndpoint.class).values().forEach(this::register);
	}

	private void register(Object bean) {
		register(bean, AopUtils.getTargetClass(bean));
	}

	/**
	 * Registers the methods a type declares, invoked on a bean of that type.
	 * @param bean the bean
	 * @param type the type whose {@link RpcMethod}s to register
	 */
	void register(Object bean, Class<?> type) {
		Map<Method, RpcMethod> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<RpcMethod>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, RpcMethod.class));
		methods.forEach((method, annotation) -> {
			Assert.state(method.getParameterCount() <= 1,
					() -> "RPC method " + method + " must take at most one parameter");
			Class<?> paramsType = (method.getParameterCount() == 1) ? method.getParameterTypes()[0] : null;
			Assert.state(paramsType == null || paramsType.isRecord(),
					() -> "RPC method " + method + " must take a record");
			Handler previous = this.handlers.put(annotation.value(), new Handler(bean, method, paramsType, annotation));
			Assert.state(previous == null, () -> "RPC method '" + annotation.value() + "' is declared twice");
			method.setAccessible(true);
		});
	}

	@Nullable Handler find(String name) {
		return this.handlers.get(name);
	}

	Set<String> names() {
		return this.handlers.keySet();
	}

	/**
	 * One registered method.
	 *
	 * @param bean the bean to invoke it on
	 * @param method the method
	 * @param paramsType the record the params bind to, or {@code null} for none
	 * @param rule its declaration: the least role and whether it is read-only
	 */
	record Handler(Object bean, Method method, @Nullable Class<?> paramsType, RpcMethod rule) {

		RecordComponent[] components() {
			return (this.paramsType != null) ? this.paramsType.getRecordComponents() : new RecordComponent[0];
		}

	}

}
