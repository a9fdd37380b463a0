// The configuration form: fields rendered by the server from config.spec (the widget
// library's fragments), values from config.get, checks with config.validate and saving
// with config.set. Errors appear beside their fields.
import { rpc, csrfHeaders, describe, RpcError } from './rpc.js';
import { $, $$, say, showErrors, clearErrors, busy } from './ui.js';
import { appTarget } from './app-target.js';

// an app of this server, or of a node: then every call names the node (app-target.js),
// and the form is rendered from the node's spec and values
const target = appTarget($('#config-page'));
const name = target.name;
const form = $('#config-form');
const fields = $('#config-fields');
const message = $('#config-message');

/** JSON-RPC error code of work that failed (SPEC §6), here after the values were saved. */
const FAILED = -32005;

async function renderFields(spec, values) {
	const response = await fetch('/apps/' + encodeURIComponent(name) + '/config/fields', {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json', ...csrfHeaders() },
		body: JSON.stringify({ spec, values }),
	});
	if (!response.ok) {
		throw new Error('The form could not be rendered (' + response.status + ').');
	}
	fields.innerHTML = await response.text();
	// a widget fragment has its own error slot: give it the common name, so that every
	// field's errors are found the same way
	for (const field of $$('.field[data-path]', fields)) {
		const slot = $('.config-error', field);
		if (slot) {
			slot.classList.add('field-error');
			slot.dataset.errorFor = field.dataset.path;
			slot.hidden = slot.textContent.trim() === '';
		}
	}
}

function number(text, integer) {
	if (text === '') {
		return null;
	}
	const parsed = Number(text);
	if (Number.isNaN(parsed) || (integer && !Number.isInteger(parsed))) {
		return text; // sent as typed: the server says what is wrong with it
	}
	return parsed;
}

/** The nested values {section: {field: value}} of the form; a secret left empty is not sent. */
function collect() {
	const values = {};
	for (const field of $$('.field[data-path]', form)) {
		const path = field.dataset.path;
		const dot = path.indexOf('.');
		const section = path.slice(0, dot);
		const key = path.slice(dot + 1);
		const inputs = $$('[name="' + CSS.escape(path) + '"]', field);
		if (inputs.length === 0) {
			continue;
		}
		const type = field.dataset.type;
		let value;
		if (type === 'boolean') {
			const box = inputs.find((input) => input.type === 'checkbox');
			value = box ? box.checked : inputs[0].value === 'true';
		} else if (type === 'list') {
			if (inputs.some((input) => input.type === 'checkbox')) {
				value = inputs.filter((input) => input.checked).map((input) => input.value);
			} else if (inputs[0].tagName === 'SELECT' && inputs[0].multiple) {
				value = Array.from(inputs[0].selectedOptions).map((option) => option.value);
			} else if (inputs.length > 1) {
				value = inputs.map((input) => input.value.trim()).filter((item) => item !== '');
			} else {
				value = inputs[0].value.split('\n').map((item) => item.trim()).filter((item) => item !== '');
			}
		} else {
			const text = inputs[0].value.trim();
			if (field.dataset.secret === 'true' && text === '') {
				continue; // an empty secret keeps the stored one
			}
			value = type === 'integer' || type === 'number' ? number(text, type === 'integer')
				: (text === '' ? null : text);
		}
		// null clears an optional value (back to its default); a left-out field is kept
		(values[section] ||= {})[key] = value;
	}
	return values;
}

async function validate() {
	clearErrors(form);
	const reply = await rpc('config.validate', target.params({ name, values: collect() }));
	if (reply.valid) {
		say(message, 'Every field is valid.', 'ok');
		return true;
	}
	showErrors(form, new RpcError(-32002, 'invalid', { errors: reply.errors || [] }));
	say(message, 'Some fields need attention.', 'error');
	return false;
}

$('#config-validate').addEventListener('click', (event) => busy(event.currentTarget, async () => {
	try {
		await validate();
	} catch (error) {
		say(message, describe(error, 'The values could not be checked'), 'error');
	}
}));

form.addEventListener('submit', (event) => {
	event.preventDefault();
	busy($('#config-save'), async () => {
		clearErrors(form);
		say(message, 'Saving…');
		try {
			await rpc('config.set', target.params({ name, values: collect() }));
			// the form shows what the server holds now: defaults it stored for cleared
			// fields, secrets as set or not
			await reload();
			say(message, 'Saved. The app restarts with the new configuration; the form shows the values the server keeps.', 'ok');
		} catch (error) {
			if (error instanceof RpcError && error.code === FAILED) {
				// config.set saved the values; what failed is starting or reloading the app
				// with them (its post-install hook, its health check)
				await reload().catch(() => {});
				const text = 'Saved, but ' + name + ' did not start with the new configuration: ' + error.message;
				showErrors(form, error, text);
				say(message, text, 'error');
				return;
			}
			showErrors(form, error, describe(error, 'The configuration was not saved'));
			say(message, error.errors && error.errors.length ? 'Some fields need attention.'
				: describe(error, 'The configuration was not saved'), 'error');
		}
	});
});

async function reload() {
	const [spec, values] = await Promise.all([rpc('config.spec', target.params({ name })),
		rpc('config.get', target.params({ name }))]);
	await renderFields(spec, values);
}

// a changed field is checked at once, so its message appears beside it
form.addEventListener('change', async (event) => {
	const field = event.target.closest('.field');
	if (!field) {
		return;
	}
	try {
		const reply = await rpc('config.validate', target.params({ name, values: collect() }));
		const slot = $('.field-error', field);
		const own = (reply.errors || []).filter((problem) => String(problem.path).replace(/\[\d+\]$/, '')
			=== field.dataset.path);
		if (slot) {
			slot.textContent = own.map((problem) => problem.message).join(' ');
			slot.hidden = own.length === 0;
		}
		const input = $('input, select, textarea', field);
		if (input) {
			if (own.length) {
				input.setAttribute('aria-invalid', 'true');
			} else {
				input.removeAttribute('aria-invalid');
			}
		}
		// once every error is fixed, the banner about them goes too
		if (reply.valid && message.classList.contains('error')) {
			say(message, 'Every field is valid now.', 'ok');
			const general = $('.form-error', form);
			if (general) {
				general.hidden = true;
			}
		}
	} catch (error) {
		// checking as one types is a nicety; Check and Save report failures
	}
});

(async () => {
	try {
		await reload();
	} catch (error) {
		fields.replaceChildren();
		say(message, describe(error, 'The configuration cannot be loaded'), 'error');
	}
})();
