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
 * @param {'ok'|'error'|'info'|'warn'} [kind]
 */
export function say(element, text, kind = 'info') {
	if (!element) {
		return;
	}
	element.textContent = text || '';
	element.hidden = !text;
	element.classList.remove('ok', 'error', 'info', 'warn');
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

/** The browser's time zone and its current offset, e.g. `Europe/Berlin (UTC+01:00)`. */
export function timeZoneLabel() {
	const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
	const minutes = -new Date().getTimezoneOffset();
	const sign = minutes >= 0 ? '+' : '-';
	const abs = Math.abs(minutes);
	const offset = 'UTC' + sign + String(Math.floor(abs / 60)).padStart(2, '0') + ':' + String(abs % 60).padStart(2, '0');
	return zone + ' (' + offset + ')';
}

/** A `<time>` showing local time, with the exact UTC time as its tooltip. */
export function timeElement(value) {
	if (!value) {
		return document.createTextNode('—');
	}
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) {
		return document.createTextNode(String(value));
	}
	return el('time', { datetime: date.toISOString(), title: date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
		text: date.toLocaleString() });
}

/** "3 min ago", "in 2 h" for a time near now. */
export function relativeTime(value) {
	const date = new Date(value);
	if (!value || Number.isNaN(date.getTime())) {
		return '';
	}
	const seconds = Math.round((date.getTime() - Date.now()) / 1000);
	const abs = Math.abs(seconds);
	const [amount, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min']
		: abs < 86400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
	return seconds < 0 ? amount + ' ' + unit + ' ago' : 'in ' + amount + ' ' + unit;
}

/** A badge for an app's `health` ({status, message}). */
export function healthBadge(health) {
	const status = health && health.status ? health.status : 'unknown';
	const classes = { up: 'state-running', down: 'state-failed', starting: 'state-starting', stopped: 'state-stopped' };
	return el('span', { class: 'badge health ' + (classes[status] || ''), title: health && health.message ? health.message : null,
		text: status });
}

/**
 * Asks before something that cannot be undone at one click, naming what will happen.
 * @param {{title: string, message: string, confirm: string, danger?: boolean}} options
 * @returns {Promise<boolean>} whether the operator confirmed
 */
export function confirmAction({ title, message, confirm, danger = true }) {
	const dialog = $('#confirm-dialog');
	if (!dialog || typeof dialog.showModal !== 'function') {
		return Promise.resolve(window.confirm(title + '\n\n' + message));
	}
	$('#confirm-title', dialog).textContent = title;
	$('#confirm-message', dialog).textContent = message;
	const ok = $('#confirm-ok', dialog);
	ok.textContent = confirm;
	ok.className = danger ? 'danger' : 'primary';
	const opener = document.activeElement;
	return new Promise((resolve) => {
		dialog.returnValue = '';
		dialog.addEventListener('close', () => {
			resolve(dialog.returnValue === 'confirm');
			if (opener && document.contains(opener) && typeof opener.focus === 'function') {
				opener.focus();
			}
		}, { once: true });
		dialog.showModal();
		$('#confirm-cancel', dialog).focus();
	});
}

/** A button that copies a text to the clipboard and says so. */
export function copyButton(text, label) {
	const button = el('button', { type: 'button', class: 'copy small', 'aria-label': label, text: 'Copy' });
	button.addEventListener('click', async () => {
		try {
			await navigator.clipboard.writeText(text);
			button.textContent = 'Copied';
		} catch (error) {
			// clipboard access refused (plain http on another host): select the text instead
			const code = button.previousElementSibling;
			if (code) {
				const range = document.createRange();
				range.selectNodeContents(code);
				window.getSelection().removeAllRanges();
				window.getSelection().addRange(range);
			}
			button.textContent = 'Selected: press Ctrl+C';
		}
		setTimeout(() => { button.textContent = 'Copy'; }, 2500);
	});
	return button;
}

/** Links to an app's live URLs. */
export function urlLinks(urls) {
	if (!Array.isArray(urls) || urls.length === 0) {
		return document.createTextNode('—');
	}
	const list = el('span', { class: 'urls' });
	urls.forEach((url, index) => {
		if (index > 0) {
			list.append(' ');
		}
		list.append(el('a', { href: url, class: 'app-url', rel: 'noopener', target: '_blank', text: url }));
	});
	return list;
}

/**
 * The logs page with filters. For an app on a node the page reads the node's own records
 * (its calls carry the node): this server's copy of them holds a same-named local app's too.
 * @param {object} filters such as `{app, level}`
 * @param {?string} [node] the app's node, or null for this server's
 * @returns {string} such as `/logs?app=blog&level=ERROR&node=web2`
 */
export function logsHref(filters, node = null) {
	return '/logs?' + new URLSearchParams(node ? { ...filters, node } : filters).toString();
}

/** The logs page filtered to one deploy of an app (of a node, when given one). */
export function deployLogHref(app, release, node = null) {
	return logsHref({ app, release, range: 'all' }, node);
}
