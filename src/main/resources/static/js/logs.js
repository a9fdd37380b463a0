// The log viewer: search with filters (logs.query, newest first, paginated) and a live
// tail (logs.tail, long-poll). Tracebacks are folded.
import { rpc, describe } from './rpc.js';
import { $, el, say, formatTime, fillSelect, clearErrors, showErrors } from './ui.js';

const form = $('#log-filters');
const list = $('#log-records');
const status = $('#log-status');
const older = $('#log-older');
const seen = new Set();
let next = null;
let tail = null;

function filters() {
	const values = {};
	const app = $('#log-app').value;
	const level = $('#log-level').value;
	const text = $('#log-text').value.trim();
	if (app) {
		values.app = app;
	}
	if (level) {
		values.level = level;
	}
	if (text) {
		values.text = text;
	}
	for (const key of ['since', 'until']) {
		const local = $('#log-' + key).value;
		if (local) {
			values[key] = new Date(local).toISOString();
		}
	}
	return values;
}

function record(entry) {
	const exception = entry.exception ? el('details', { class: 'traceback' },
		el('summary', { text: entry.exception.trim().split('\n').pop() || 'Traceback' }),
		el('pre', { text: entry.exception })) : null;
	return el('li', { class: 'record level-' + String(entry.level || 'INFO').toUpperCase(), dataset: { id: entry.id } },
		el('div', { class: 'record-head' },
			el('time', { datetime: entry.time, text: formatTime(entry.time) }), ' ',
			el('span', { class: 'level', text: entry.level }), ' ',
			el('span', { class: 'app', text: entry.app || '' }), ' ',
			el('span', { class: 'logger', text: entry.logger || '' }),
			entry.path ? el('span', { class: 'path', text: ' ' + entry.path }) : null),
		el('div', { class: 'message-text', text: entry.message }),
		exception);
}

function matches(entry, wanted) {
	const levels = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
	if (wanted.level && levels.indexOf(String(entry.level).toUpperCase()) < levels.indexOf(wanted.level)) {
		return false;
	}
	if (wanted.text) {
		const haystack = ((entry.message || '') + '\n' + (entry.exception || '')).toLowerCase();
		if (!haystack.includes(wanted.text.toLowerCase())) {
			return false;
		}
	}
	return true;
}

async function search(before) {
	clearErrors(form);
	const params = { ...filters(), limit: 100 };
	if (before) {
		params.before = before;
	} else {
		list.replaceChildren();
		seen.clear();
	}
	try {
		const reply = await rpc('logs.query', params);
		const records = reply.records || [];
		for (const entry of records) {
			seen.add(entry.id);
		}
		list.append(...records.map(record));
		next = reply.next || null;
		older.hidden = !next;
		say(status, list.children.length ? '' : 'No records match.');
	} catch (error) {
		showErrors(form, error, describe(error, 'Cannot search the logs'));
	}
}

async function follow(controller) {
	const wanted = filters();
	let cursor = null;
	say(status, 'Live tail: waiting for new records…');
	while (!controller.signal.aborted) {
		try {
			const params = wanted.app ? { app: wanted.app } : {};
			if (cursor) {
				params.after = cursor;
			}
			const reply = await rpc('logs.tail', params, { signal: controller.signal });
			cursor = reply.cursor ?? cursor;
			for (const entry of reply.records || []) {
				if (!seen.has(entry.id) && matches(entry, wanted)) {
					seen.add(entry.id);
					list.prepend(record(entry));
				}
			}
		} catch (error) {
			if (error.name !== 'AbortError') {
				say(status, describe(error, 'Live tail stopped'), 'error');
				$('#live-tail').checked = false;
			}
			return;
		}
	}
}

function toggleTail() {
	if (tail) {
		tail.abort();
		tail = null;
		say(status, '');
	}
	if ($('#live-tail').checked) {
		tail = new AbortController();
		follow(tail);
	}
}

form.addEventListener('submit', async (event) => {
	event.preventDefault();
	await search();
	toggleTail();
});
older.addEventListener('click', () => search(next));
$('#live-tail').addEventListener('change', toggleTail);

(async () => {
	try {
		const select = $('#log-app');
		select.dataset.initial = new URLSearchParams(window.location.search).get('app') || '';
		fillSelect(select, (await rpc('apps.list')).map((app) => app.name));
	} catch (error) {
		// the app filter stays at "all apps"
	}
	await search();
})();
