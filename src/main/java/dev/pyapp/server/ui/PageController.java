package dev.pyapp.server.ui;

import java.security.Principal;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The pages of the web UI. Each page is a shell that its ES module fills through
 * {@code POST /rpc}; nothing here changes state.
 */
@Controller
class PageController {

	private final Callers callers;

	PageController(Callers callers) {
		this.callers = callers;
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

	@GetMapping("/apps/{name}")
	String app(@PathVariable String name, Model model) {
		model.addAttribute("app", AppId.of(name).value());
		return page(model, "apps", name, "apps/appDetails");
	}

	@GetMapping("/apps/{name}/config")
	String config(@PathVariable String name, Model model) {
		model.addAttribute("app", AppId.of(name).value());
		return page(model, "apps", "Configure " + name, "config/configForm");
	}

	@GetMapping("/servers")
	String servers(Model model) {
		return page(model, "servers", "Virtual servers and mounts", "mounts/servers");
	}

	@GetMapping("/logs")
	String logs(Model model) {
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

	@ExceptionHandler(PyappException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(PyappException ex, Model model) {
		model.addAttribute("message", ex.getMessage());
		return page(model, "", "Not found", "notFound");
	}

	private static String page(Model model, String section, String title, String view) {
		model.addAttribute("section", section);
		model.addAttribute("title", title);
		return view;
	}

}
