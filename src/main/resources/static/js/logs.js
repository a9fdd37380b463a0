// The log viewer: search with filters (logs.query, newest first, paginated) and a live
// tail (logs.tail, long-poll). Tracebacks are folded. With `node` in its address (a link
// from a node's app) every call carries the node, so the node's agent answers from its own
// records: this server's copy of them mixes in a local app of the same name.
import { rpc, describe } from './rpc.js';
import { $, $$, el, say, fillSelect, clearErrors, showErrors, timeElement, timeZoneLabel } from './ui.js';

const form = $('#log-filters');
const list = $('#log-records');
const status = $('#log-status');
const older = $('#log-older');
const seen = new Set();
let next = null;
let tail = null;
const node = new URLSearchParams(window.location.search).get('node') || null;

/** One call of this page: to the node's agent when the page is for a node. */
function call(method, params, options) {
	return rpc(method, node ? { ...params, node } : params, options);
}

function filters() {
	const values = {};
	for (const key of ['app', 'level', 'text', 'release', 'logger']) {
		const value = $('#log-' + key).value.trim();
		if (value) {
			values[key] = value;
		}
	}
	const range = $('#log-range').value;
	if (range === 'custom') {
		for (const key of ['since', 'until']) {
			const local = $('#log-' + key).value;
			if (local) {
				values[key] = new Date(local).toISOString();
			}
		}
	} else if (range !== 'all') {
		values.since = range;
	}
	return values;
}

/** The filters in the address, so that a search can be reloaded, bookmarked or sent. */
function keepInUrl() {
	const params = new URLSearchParams();
	for (const key of ['app', 'level', 'text', 'release', 'logger']) {
		const value = $('#log-' + key).value.trim();
		if (value) {
			params.set(key, value);
		}
	}
	params.set('range', $('#log-range').value);
	if ($('#log-range').value === 'custom') {
		for (const key of ['since', 'until']) {
			if ($('#log-' + key).value) {
				params.set(key, $('#log-' + key).value);
			}
		}
	}
	if (node) {
		params.set('node', node);
	}
	history.replaceState(null, '', '?' + params.toString());
}

function customRange() {
	for (const field of $$('.custom-range')) {
		field.hidden = $('#log-range').value !== 'custom';
	}
}

function record(entry) {
	const exception = entry.exception ? el('details', { class: 'traceback' },
		el('summary', { text: entry.exception.trim().split('\n').pop() || 'Traceback' }),
		el('pre', { text: entry.exception })) : null;
	return el('li', { class: 'record level-' + String(entry.level || 'INFO').toUpperCase(), dataset: { id: entry.id } },
		el('div', { class: 'record-head' },
			timeElement(entry.time), ' ',
			el('span', { class: 'level', text: entry.level }), ' ',
			el('span', { class: 'app', text: entry.app || '' }), ' ',
			el('span', { class: 'logger', text: entry.logger || '' }),
			entry.path ? el('span', { class: 'path', text: ' ' + entry.path }) : null,
			entry.release ? el('span', { class: 'release', text: ' ' + entry.release }) : null),
		el('div', { class: 'message-text', text: entry.message }),
		exception);
}

function matches(entry, wanted) {
	const levels = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
	if (wanted.level && levels.indexOf(String(entry.level).toUpperCase()) < levels.indexOf(wanted.level)) {
		return false;
	}
	if (wanted.release && entry.release !== wanted.release) {
		return false;
	}
	if (wanted.logger && entry.logger !== wanted.logger && !String(entry.logger).startsWith(wanted.logger + '.')) {
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
	const deploy = Boolean($('#log-release').value.trim()) && !before;
	// one deploy is read as it happened, oldest first (up to 1000 records)
	const params = { ...filters(), limit: deploy ? 1000 : 100 };
	if (before) {
		params.before = before;
	} else {
		list.replaceChildren();
		seen.clear();
	}
	try {
		const reply = await call('logs.query', params);
		const records = reply.records || [];
		for (const entry of records) {
			seen.add(entry.id);
		}
		list.append(...(deploy ? [...records].reverse() : records).map(record));
		next = reply.next || null;
		list.dataset.order = deploy ? 'oldest-first' : 'newest-first';
		older.hidden = !next;
		say(status, list.children.length ? (deploy ? 'The records of release ' + $('#log-release').value.trim()
			+ ', oldest first.' : '') : 'No records match.');
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
			const reply = await call('logs.tail', params, { signal: controller.signal });
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
	keepInUrl();
	await search();
	toggleTail();
});
$('#log-range').addEventListener('change', customRange);
older.addEventListener('click', () => search(next));
$('#live-tail').addEventListener('change', toggleTail);

(async () => {
	const initial = new URLSearchParams(window.location.search);
	$('#log-timezone').textContent = 'Times are shown in ' + timeZoneLabel() + '; point at a time for UTC.';
	const banner = $('#log-node');
	banner.hidden = !node;
	if (node) {
		banner.replaceChildren('Records of the apps on node ', el('strong', { text: node }), ', read from the node. ',
			el('a', { href: '/logs', text: 'This server\'s logs' }));
	}
	for (const key of ['level', 'text', 'release', 'logger', 'since', 'until']) {
		if (initial.get(key)) {
			$('#log-' + key).value = initial.get(key);
		}
	}
	// a deploy's records are all wanted, however old; otherwise the last hour first
	$('#log-range').value = initial.get('range') || (initial.get('since') ? 'custom' : initial.get('release') ? 'all' : '1h');
	customRange();
	const select = $('#log-app');
	select.dataset.initial = initial.get('app') || '';
	if (select.dataset.initial) {
		// shown at once, before the list of apps arrives
		fillSelect(select, [select.dataset.initial]);
	}
	try {
		fillSelect(select, (await call('apps.list', {})).map((app) => app.name));
	} catch (error) {
		// the app filter keeps what it has
	}
	await search();
})();
