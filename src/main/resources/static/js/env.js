// What an operator changed in the environment form, against the variables the form was
// filled with. Only that change is sent (apps.env.set with merge: true): a variable
// another operator set, changed or removed after the page loaded keeps what the server
// holds, instead of being overwritten or lost by a save of the whole set as loaded.

/**
 * The change from the variables the form was filled with to its rows.
 * @param {Object<string, string>} loaded the variables the form was filled with
 * @param {Array<Array<string>>} rows the form's rows as [name, value]; a row without a
 * name is left out, and of two rows of one name the later wins (as before)
 * @returns {{env: Object<string, string>, unset: string[]}} the variables added or given
 * another value, and the names of the loaded variables no row has any more
 */
export function envChange(loaded, rows) {
	const form = new Map();
	for (const [key, value] of rows) {
		if (key) {
			form.set(key, value);
		}
	}
	// no prototype: a variable may be named __proto__ or constructor
	const env = Object.create(null);
	for (const [key, value] of form) {
		if (!Object.hasOwn(loaded, key) || loaded[key] !== value) {
			env[key] = value;
		}
	}
	const unset = Object.keys(loaded).filter((key) => !form.has(key));
	return { env, unset };
}

/** Whether a change changes nothing. */
export function isEmpty(change) {
	return Object.keys(change.env).length === 0 && change.unset.length === 0;
}

/**
 * The change in words, names only (values may be secrets): `set A, B; removed C`.
 */
export function describeChange(change) {
	const parts = [];
	const set = Object.keys(change.env);
	if (set.length) {
		parts.push('set ' + set.join(', '));
	}
	if (change.unset.length) {
		parts.push('removed ' + change.unset.join(', '));
	}
	return parts.join('; ');
}
