// Small DOM helpers. Text always goes in through textContent, never as HTML.

/**
 * Creates an element.
 * @param {string} tag
 * @param {object} [attrs] attributes; `text` sets textContent, `on<event>` adds a listener
 * @param {...(Node|string|null)} children
 */
export function el(tag, attrs = {}, ...children) {
	const element = document.createElement(tag);
	for (const [key, value] of Object.entries(attrs)) {
		if (value === null || value === undefined || value === false) {
			continue;
		}
		if (key === 'text') {
			element.textContent = value;
		} else if (key.startsWith('on') && typeof value === 'function') {
			element.addEventListener(key.slice(2), value);
		} else if (key === 'dataset') {
			Object.assign(element.dataset, value);
		} else {
			element.setAttribute(key, value === true ? '' : value);
		}
	}
	for (const child of children.flat()) {
		if (child !== null && child !== undefined) {
			element.append(child instanceof Node ? child : String(child));
		}
	}
	return element;
}

export function $(selector, root = document) {
	return root.querySelector(selector);
}

export function $$(selector, root = document) {
	return Array.from(root.querySelectorAll(selector));
}

/**
 * Shows a message in a message element (hidden when the text is empty).
 * @param {Element} element
 * @param {string} text
 * @param {'ok'|'error'|'info'} [kind]
 */
export function say(element, text, kind = 'info') {
	if (!element) {
		return;
	}
	element.textContent = text || '';
	element.hidden = !text;
	element.classList.remove('ok', 'error', 'info');
	element.classList.add(kind);
}

/** A table row that spans every column with a message. */
export function emptyRow(columns, text) {
	return el('tr', { class: 'empty' }, el('td', { colspan: String(columns), text }));
}

/** A cell with its column's name, for the card layout on narrow screens. */
export function cell(label, ...content) {
	return el('td', { 'data-label': label }, ...content);
}

export function formatTime(value) {
	if (!value) {
		return '—';
	}
	const date = new Date(value);
	return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function stateBadge(state) {
	const text = state || 'unknown';
	return el('span', { class: 'badge state-' + text.replace(/[^a-z-]/g, '') , text });
}

/** Clears every error shown in a form. */
export function clearErrors(form) {
	for (const element of $$('.field-error, .form-error', form)) {
		element.textContent = '';
		element.hidden = true;
	}
	for (const input of $$('[aria-invalid]', form)) {
		input.removeAttribute('aria-invalid');
	}
}

/**
 * Shows errors of a failed call in a form: each `{path, message}` beside the element whose
 * `data-error-for` is its path (`section.field[2]` falls back to `section.field`), anything
 * else in the form's `.form-error`.
 * @param {HTMLFormElement} form
 * @param {Error} error an RpcError or any error
 * @param {string} [fallback] the text when there are no field errors
 * @param {string} [prefix] stripped from paths, e.g. `git.`
 */
export function showErrors(form, error, fallback, prefix = '') {
	clearErrors(form);
	const general = $('.form-error', form);
	const unplaced = [];
	const errors = error && Array.isArray(error.errors) ? error.errors : [];
	for (const problem of errors) {
		const path = String(problem.path || '');
		const target = findErrorSlot(form, path) || (prefix && findErrorSlot(form, prefix + path));
		if (target) {
			target.textContent = problem.message;
			target.hidden = false;
			const field = target.closest('.field') || target.previousElementSibling;
			const input = field && (field.matches('input, select, textarea') ? field
				: field.querySelector('input, select, textarea'));
			if (input) {
				input.setAttribute('aria-invalid', 'true');
			}
		} else {
			unplaced.push((path ? path + ': ' : '') + problem.message);
		}
	}
	const lines = [];
	if (errors.length === 0) {
		lines.push(fallback || (error && error.message) || 'Something went wrong.');
	} else if (unplaced.length > 0) {
		lines.push(...unplaced);
	}
	if (error && error.log) {
		lines.push(error.log);
	}
	if (general && lines.length > 0) {
		general.replaceChildren(...lines.map((line) => el('p', { text: line })));
		general.hidden = false;
	}
	const first = $('[aria-invalid="true"]', form);
	if (first) {
		first.focus();
	}
}

function findErrorSlot(form, path) {
	const escaped = CSS.escape(path);
	return $('[data-error-for="' + escaped + '"]', form)
		|| $('[data-error-for="' + CSS.escape(path.replace(/\[\d+\]$/, '')) + '"]', form);
}

/** The values of a form's named inputs as an object of trimmed strings (empty ones left out). */
export function formValues(form) {
	const values = {};
	for (const [key, value] of new FormData(form).entries()) {
		const text = typeof value === 'string' ? value.trim() : value;
		if (text !== '') {
			values[key] = text;
		}
	}
	return values;
}

/** A button that disables itself while its action runs. */
export async function busy(button, action) {
	if (button) {
		button.disabled = true;
	}
	try {
		return await action();
	} finally {
		if (button) {
			button.disabled = false;
		}
	}
}

/** The app names for a `<select>`, keeping its first (placeholder) option. */
export function fillSelect(select, names, keepFirst = true) {
	const previous = select.value || select.dataset.initial || '';
	const first = keepFirst && select.options.length > 0 ? select.options[0] : null;
	select.replaceChildren(...(first ? [first] : []), ...names.map((name) => el('option', { value: name, text: name })));
	if (names.includes(previous) || previous === '') {
		select.value = previous;
	}
}

export function mountText(mount) {
	if (typeof mount === 'string') {
		return mount;
	}
	if (mount && typeof mount === 'object') {
		return (mount.server ? mount.server : '') + (mount.path || '');
	}
	return String(mount);
}
