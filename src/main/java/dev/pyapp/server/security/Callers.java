package dev.pyapp.server.security;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who makes the current request: a bearer token (its {@link Caller} was made when it was
 * checked) or a UI session, whose role is read from the user store on every call so that
 * a changed role counts at once.
 */
@Component
public class Callers {

	private final UserAccounts users;

	Callers(UserAccounts users) {
		this.users = users;
	}

	/**
	 * The caller of the current request.
	 * @return the caller, or {@code null} when the request is not authenticated
	 */
	public @Nullable Caller current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()) {
			return null;
		}
		if (authentication.getDetails() instanceof Caller caller) {
			return caller;
		}
		String name = authentication.getName();
		// a session of a user who was removed meanwhile may do nothing more
		return this.users.role(name).map((role) -> new Caller(name, name, role)).orElse(null);
	}

}
