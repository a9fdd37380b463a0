package dev.pyapp.server.ui;

import java.security.Principal;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.UserAccounts;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The pages of the web UI. Each page is a shell that its ES module fills through
 * {@code POST /rpc}; nothing here changes state.
 */
@Controller
class PageController {

	private final Callers callers;

	private final UserAccounts users;

	private final AppRegistry registry;

	private final NodeClient nodes;

	PageController(Callers callers, UserAccounts users, AppRegistry registry, NodeClient nodes) {
		this.callers = callers;
		this.users = users;
		this.registry = registry;
		this.nodes = nodes;
	}

	/**
	 * The caller's role: the pages hide what it cannot do ({@code data-needs}); the
	 * dispatcher refuses it anyway.
	 */
	@ModelAttribute("role")
	@Nullable String role() {
		Caller caller = this.callers.current();
		return (caller != null) ? caller.role().value() : null;
	}

	@ModelAttribute("user")
	@Nullable String user(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : null;
	}

	/**
	 * Whether the user still has the password generated at the first start: every page
	 * asks to change it.
	 */
	@ModelAttribute("initialPassword")
	boolean initialPassword(@Nullable Principal principal) {
		return principal != null && this.users.usesInitialPassword(principal.getName());
	}

	@GetMapping("/")
	String root() {
		return "redirect:/apps";
	}

	@GetMapping("/login")
	String login() {
		return "login";
	}

	@GetMapping("/apps")
	String dashboard(Model model) {
		return page(model, "apps", "Applications", "apps/dashboard");
	}

	@GetMapping("/apps/install")
	String install(Model model) {
		return page(model, "install", "Install an app", "apps/install");
	}

	/**
	 * An app's page; with {@code ?node=NAME} the page of an app on that node, whose every
	 * call names the node ({@code data-node}). Whether the node has the app is known only
	 * by asking it: the page asks, and says so when it does not (or does not answer).
	 */
	@GetMapping("/apps/{name}")
	String app(@PathVariable String name, @RequestParam(required = false) @Nullable String node, Model model) {
		String on = appAndNode(name, node, model);
		return page(model, "apps", (on != null) ? name + " on node " + on : name, "apps/appDetails");
	}

	@GetMapping("/apps/{name}/config")
	String config(@PathVariable String name, @RequestParam(required = false) @Nullable String node, Model model) {
		String on = appAndNode(name, node, model);
		return page(model, "apps", "Configure " + name + ((on != null) ? " on node " + on : ""), "config/configForm");
	}

	/**
	 * Puts the app and its node ({@code null} for this server's) into the model.
	 * @return the node, or {@code null} for an app of this server
	 */
	private @Nullable String appAndNode(String name, @Nullable String node, Model model) {
		String on = node(node);
		model.addAttribute("app", (on != null) ? named(name).value() : installed(name).value());
		if (on != null) {
			model.addAttribute("node", on);
		}
		return on;
	}

	/**
	 * The node a page is for: {@code null} (or {@code local}, as the API takes it) for
	 * this server, else the name of a registered node.
	 */
	private @Nullable String node(@Nullable String node) {
		if (node == null || NodeRegistry.LOCAL.equals(node)) {
			return null;
		}
		if (!AppId.PATTERN.matcher(node).matches()) {
			throw new UnknownNode("No node can be named '" + node + "'.");
		}
		if (!this.nodes.isNode(node)) {
			throw new UnknownNode("No node named '" + node + "' is registered: the Nodes page lists the nodes.");
		}
		return node;
	}

	@GetMapping("/server")
	String server(Model model) {
		return page(model, "server", "This server", "server/server");
	}

	@GetMapping("/servers")
	String servers(Model model) {
		return page(model, "servers", "Virtual servers and mounts", "mounts/servers");
	}

	@GetMapping("/logs")
	String logs(Model model) {
		model.addAttribute("wide", true);
		return page(model, "logs", "Logs", "logs/logViewer");
	}

	@GetMapping("/notifications")
	String notifications(Model model) {
		return page(model, "notifications", "Notification rules", "notifications/rules");
	}

	@GetMapping("/tokens")
	String tokens(Model model) {
		return page(model, "tokens", "API tokens", "tokens/tokens");
	}

	@GetMapping("/nodes")
	String nodes(Model model) {
		return page(model, "nodes", "Nodes", "nodes/nodes");
	}

	@GetMapping("/audit")
	String audit(Model model) {
		return page(model, "audit", "Audit log", "audit/audit");
	}

	@GetMapping("/users")
	String users(Model model) {
		return page(model, "users", "Users", "users/users");
	}

	@GetMapping("/account/password")
	String password(Model model) {
		return page(model, "account", "Change password", "account/password");
	}

	/**
	 * A page for an app that is not installed (or a name no app can have): a 404 that
	 * says so and leads back, not an app page full of buttons that cannot work.
	 */
	@ExceptionHandler(PyappException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(PyappException ex, Model model) {
		model.addAttribute("message", ex.getMessage());
		return page(model, "apps", "No such app", "notFound");
	}

	/**
	 * A page that names a node that is not one: a 404 that says so (the name is text on
	 * the page, never markup).
	 */
	@ExceptionHandler(UnknownNode.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String unknownNode(UnknownNode ex, Model model) {
		model.addAttribute("message", ex.getMessage());
		return page(model, "apps", "No such node", "notFound");
	}

	private static AppId named(String name) {
		if (!AppId.PATTERN.matcher(name).matches()) {
			throw PyappException.notFound("No app can be named '" + name + "'.");
		}
		return AppId.of(name);
	}

	private AppId installed(String name) {
		AppId app = named(name);
		if (this.registry.find(app).isEmpty()) {
			throw PyappException.notFound("No app named '" + name + "' is installed.");
		}
		return app;
	}

	private static String page(Model model, String section, String title, String view) {
		model.addAttribute("section", section);
		model.addAttribute("title", title);
		return view;
	}

	/** A {@code node} parameter that names no registered node. */
	static final class UnknownNode extends RuntimeException {

		UnknownNode(String message) {
			super(message);
		}

	}

}
