package dev.pyapp.server.security;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a user or an API token may do (SPEC §10 "Audit and roles"). Each role includes the
 * ones before it.
 */
public enum Role {

	/** The read-only methods of apps, configuration, servers, mounts, logs and tasks. */
	VIEWER,

	/**
	 * Also everything that changes apps, configuration, mounts, the web server, tasks and
	 * hooks.
	 */
	DEPLOYER,

	/** Everything, users, tokens, nodes and the audit log included. */
	ADMIN;

	/**
	 * Whether this role may do what {@code required} may.
	 * @param required the least role a call needs
	 * @return whether it is allowed
	 */
	public boolean includes(Role required) {
		return ordinal() >= required.ordinal();
	}

	/**
	 * The name the API uses.
	 * @return the lower-case name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The role of a name the API uses.
	 * @param value {@code admin}, {@code deployer} or {@code viewer} (any case)
	 * @return the role, or {@code null} for anything else
	 */
	public static @Nullable Role parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		for (Role role : values()) {
			if (role.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
				return role;
			}
		}
		return null;
	}

	/**
	 * The lesser of two roles.
	 * @param a a role
	 * @param b another
	 * @return the one that may do less
	 */
	public static Role least(Role a, Role b) {
		return (a.ordinal() <= b.ordinal()) ? a : b;
	}

}
