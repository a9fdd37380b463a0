package dev.pyapp.server.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Every JSON-RPC method × every role, through the real dispatcher: the table of methods
 * is generated from the method registry (every {@link RpcEndpoint} of the server, on
 * mocks that do nothing), and each must have a row in {@link #EXPECTED}, the roles of
 * SPEC §10 written out. A new method without a row fails here; one without a role does
 * not compile.
 */
class RpcRoleTableTests {

	/** The least role per method, as SPEC §10 gives them. */
	static final Map<String, Role> EXPECTED = new TreeMap<>(Map.ofEntries(
			// everyone: their own account
			Map.entry("account.get", Role.VIEWER), Map.entry("account.password.set", Role.VIEWER),
			// read-only methods
			Map.entry("server.info", Role.VIEWER), Map.entry("apps.list", Role.VIEWER),
			Map.entry("apps.get", Role.VIEWER), Map.entry("apps.metrics", Role.VIEWER),
			Map.entry("config.spec", Role.VIEWER), Map.entry("config.get", Role.VIEWER),
			Map.entry("config.validate", Role.VIEWER), Map.entry("servers.list", Role.VIEWER),
			Map.entry("mounts.list", Role.VIEWER), Map.entry("webserver.render", Role.VIEWER),
			Map.entry("logs.query", Role.VIEWER), Map.entry("logs.tail", Role.VIEWER),
			Map.entry("logs.stats", Role.VIEWER), Map.entry("tasks.list", Role.VIEWER),
			Map.entry("hooks.list", Role.VIEWER), Map.entry("notifications.rules.list", Role.VIEWER),
			Map.entry("notifications.deliveries", Role.VIEWER), Map.entry("git.keys.list", Role.VIEWER),
			Map.entry("tasks.runs", Role.VIEWER), Map.entry("webserver.status", Role.VIEWER),
			// deployer: apps, config, mounts, webserver, logs, tasks, hooks
			Map.entry("apps.install", Role.DEPLOYER), Map.entry("apps.update", Role.DEPLOYER),
			Map.entry("apps.rollback", Role.DEPLOYER), Map.entry("apps.remove", Role.DEPLOYER),
			Map.entry("apps.start", Role.DEPLOYER), Map.entry("apps.stop", Role.DEPLOYER),
			Map.entry("apps.restart", Role.DEPLOYER), Map.entry("apps.scale", Role.DEPLOYER),
			Map.entry("apps.env.set", Role.DEPLOYER), Map.entry("config.set", Role.DEPLOYER),
			Map.entry("servers.add", Role.DEPLOYER), Map.entry("servers.remove", Role.DEPLOYER),
			Map.entry("mounts.add", Role.DEPLOYER), Map.entry("mounts.remove", Role.DEPLOYER),
			Map.entry("webserver.apply", Role.DEPLOYER), Map.entry("tasks.run", Role.DEPLOYER),
			Map.entry("hooks.create", Role.DEPLOYER), Map.entry("hooks.remove", Role.DEPLOYER),
			Map.entry("notifications.rules.add", Role.DEPLOYER), Map.entry("notifications.rules.remove", Role.DEPLOYER),
			Map.entry("apps.run", Role.DEPLOYER), Map.entry("git.keys.create", Role.DEPLOYER),
			Map.entry("git.keys.remove", Role.DEPLOYER), Map.entry("archives.inspect", Role.DEPLOYER),
			Map.entry("notifications.rules.test", Role.DEPLOYER), Map.entry("apps.errors.acknowledge", Role.DEPLOYER),
			// admin: users, tokens, nodes, the audit log, the caps on apps' limits (a
			// deployer's app asks for its limits; only the operator raises the ceiling)
			Map.entry("apps.limits.set", Role.ADMIN), Map.entry("users.list", Role.ADMIN),
			Map.entry("users.create", Role.ADMIN), Map.entry("users.update", Role.ADMIN),
			Map.entry("users.remove", Role.ADMIN), Map.entry("tokens.list", Role.ADMIN),
			Map.entry("tokens.create", Role.ADMIN), Map.entry("tokens.revoke", Role.ADMIN),
			Map.entry("nodes.list", Role.ADMIN), Map.entry("nodes.add", Role.ADMIN),
			Map.entry("nodes.install", Role.ADMIN), Map.entry("nodes.rekey", Role.ADMIN),
			Map.entry("nodes.remove", Role.ADMIN), Map.entry("audit.query", Role.ADMIN),
			// the app's whole environment, a terminal on the server's host; the
			// server's end
			Map.entry("apps.shell", Role.ADMIN), Map.entry("server.stop", Role.ADMIN)));

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final RpcMethodRegistry registry = registry();

	@Test
	void everyMethodOfTheRegistryHasARowAndEveryRowAMethod() {
		assertThat(this.registry.names()).as("methods without a row in EXPECTED (add one: which role may call it?)")
			.isSubsetOf(EXPECTED.keySet());
		assertThat(EXPECTED.keySet()).as("rows of methods that do not exist").isSubsetOf(this.registry.names());
		for (String name : this.registry.names()) {
			assertThat(this.registry.find(name).rule().role()).as(name).isEqualTo(EXPECTED.get(name));
		}
	}

	@Test
	void viewerMethodsChangeNothingExceptOnesOwnPassword() {
		for (String name : this.registry.names()) {
			RpcMethod rule = this.registry.find(name).rule();
			if (rule.role() == Role.VIEWER && !name.equals("account.password.set")) {
				assertThat(rule.readOnly()).as(name + " is for viewers, so it must be read-only").isTrue();
			}
		}
	}

	@TestFactory
	Stream<DynamicTest> everyMethodTimesEveryRole() {
		List<DynamicTest> tests = new ArrayList<>();
		for (String method : new TreeSet<>(this.registry.names())) {
			for (Role role : Role.values()) {
				boolean allowed = role.includes(EXPECTED.getOrDefault(method, Role.ADMIN));
				tests.add(DynamicTest.dynamicTest(method + " as " + role.value() + (allowed ? " allowed" : " denied"),
						() -> assertCall(method, role, allowed)));
			}
		}
		return tests.stream();
	}

	private void assertCall(String method, Role role, boolean allowed) {
		Callers callers = mock(Callers.class);
		given(callers.current()).willReturn(new Caller("token:ci", "alice", role));
		AuditLog audit = mock(AuditLog.class);
		JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(this.registry, mapper, mock(NodesRpc.class), callers,
				audit, mock(AuditParams.class), new ListingText(mapper));
		JsonNode reply = dispatcher
			.dispatch("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{}}");
		int code = reply.path("error").path("code").asInt(0);
		if (allowed) {
			assertThat(code).as(reply.toString()).isNotEqualTo(-32004);
		}
		else {
			assertThat(code).as(reply.toString()).isEqualTo(-32004);
			String required = EXPECTED.get(method).value();
			assertThat(reply.path("error").path("message").asString()).contains("needs the role " + required)
				.contains("has the role " + role.value());
			assertThat(reply.path("error").path("data").path("required_role").asString()).isEqualTo(required);
			// a refused call is recorded, whatever the method
			verify(audit).record(any(AuditEntry.class));
		}
		if (allowed && this.registry.find(method).rule().readOnly()) {
			verify(audit, never()).record(any(AuditEntry.class));
		}
	}

	/** The registry of every endpoint of the server, each on a mock that does nothing. */
	static RpcMethodRegistry registry() {
		RpcMethodRegistry registry = new RpcMethodRegistry(null);
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(RpcEndpoint.class));
		Set<String> seen = new TreeSet<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.pyapp.server")) {
			String name = candidate.getBeanClassName();
			// the server's endpoints, not the example methods of the conformance tests
			if (name.contains("Tests$") || name.contains("IT$") || !seen.add(name)) {
				continue;
			}
			Class<?> type = ClassUtils.resolveClassName(name, RpcRoleTableTests.class.getClassLoader());
			registry.register(mock(type), type);
		}
		return registry;
	}

}
