// The dashboard: every app with its state, health, live URLs and last error, found by
// search, state filter and sort. The refresh every 5 s updates the rows in place (keyed
// by app): a row is never rebuilt under the user, and keyboard focus stays where it is.
import { rpc, batch, describe } from './rpc.js';
import { $, $$, el, say, cell, stateBadge, healthBadge, urlLinks, relativeTime, confirmAction, logsHref } from './ui.js';
import { sparkline } from './charts.js';
import { appHref } from './app-target.js';

// the sparklines change once a minute at most: fetched every 12th refresh
const SPARKLINE_EVERY = 12;
const REFRESH_MS = 5000;
const PROBLEMS = ['failed', 'needs-configuration', 'starting', 'installing', 'upgrading', 'stopped', 'running'];

const body = $('#apps');
const status = $('#dashboard-status');
const search = $('#app-search');
const stateFilter = $('#state-filter');
const sort = $('#app-sort');
const sparklines = new Map();
let apps = [];
let refreshes = 0;
let timer = null;

function lastErrorText(app) {
	const error = app.last_error;
	return error ? relativeTime(error.time) + ': ' + error.message : '';
}

function matches(app) {
	const wanted = stateFilter.value;
	if (wanted === 'unhealthy' && app.health?.status !== 'down') {
		return false;
	}
	if (wanted === 'errors' && !app.last_error) {
		return false;
	}
	if (wanted && !['unhealthy', 'errors'].includes(wanted) && app.state !== wanted) {
		return false;
	}
	const text = search.value.trim().toLowerCase();
	if (!text) {
		return true;
	}
	const haystack = [app.name, app.state, app.version, ...(app.urls || []), app.last_error?.message || '',
		app.health?.status || ''].join(' ').toLowerCase();
	return haystack.includes(text);
}

function compare(a, b) {
	switch (sort.value) {
		case 'state':
			return PROBLEMS.indexOf(a.state) - PROBLEMS.indexOf(b.state) || a.name.localeCompare(b.name);
		case 'error':
			return String(b.last_error?.time || '').localeCompare(String(a.last_error?.time || ''))
				|| a.name.localeCompare(b.name);
		case 'version':
			return String(a.version || '').localeCompare(String(b.version || ''), undefined, { numeric: true })
				|| a.name.localeCompare(b.name);
		default:
			return a.name.localeCompare(b.name);
	}
}

/** Sets a cell's content only when what it shows changed. */
function update(td, signature, build) {
	const sig = JSON.stringify(signature);
	if (td.dataset.sig === sig) {
		return;
	}
	const focused = td.contains(document.activeElement) ? document.activeElement.dataset.role : null;
	td.dataset.sig = sig;
	td.replaceChildren(...[].concat(build()));
	if (focused) {
		const again = td.querySelector('[data-role="' + focused + '"]');
		if (again) {
			again.focus();
		}
	}
}

async function act(app, method, verb, button) {
	if (method === 'apps.stop' && !await confirmAction({ title: 'Stop ' + app.name + '?',
		message: 'Its daemon stops: its URLs answer with an error until you start it again.', confirm: 'Stop ' + app.name })) {
		return;
	}
	button.disabled = true;
	say(status, verb + ' ' + app.name + '…');
	try {
		// an app on a node is acted on there: the call names the node
		await rpc(method, app.node ? { name: app.name, node: app.node } : { name: app.name });
		say(status, app.name + ': ' + verb.toLowerCase() + ' done.', 'ok');
	} catch (error) {
		say(status, describe(error, app.name + ' could not ' + verb.toLowerCase()), 'error');
	} finally {
		button.disabled = false;
	}
	await refresh();
}

function actions(app) {
	const buttons = [];
	const running = ['running', 'starting'].includes(app.state);
	if (running) {
		buttons.push(el('button', { type: 'button', class: 'small', 'data-needs': 'deployer', dataset: { role: 'restart' },
			'aria-label': 'Restart ' + app.name, text: 'Restart', onclick: (e) => act(app, 'apps.restart', 'Restart', e.currentTarget) }));
		buttons.push(el('button', { type: 'button', class: 'small secondary-danger', 'data-needs': 'deployer', dataset: { role: 'stop' },
			'aria-label': 'Stop ' + app.name, text: 'Stop', onclick: (e) => act(app, 'apps.stop', 'Stop', e.currentTarget) }));
	} else if (['stopped', 'failed'].includes(app.state) && app.version != null) {
		// (an app without a version has no live release: its first install was interrupted)
		buttons.push(el('button', { type: 'button', class: 'small', 'data-needs': 'deployer', dataset: { role: 'start' },
			'aria-label': 'Start ' + app.name, text: 'Start', onclick: (e) => act(app, 'apps.start', 'Start', e.currentTarget) }));
	} else if (app.state === 'needs-configuration') {
		buttons.push(el('a', { class: 'button small', href: appHref(app.name, app.node, '/config'),
			dataset: { role: 'configure' }, 'aria-label': 'Configure ' + app.name, text: 'Configure' }));
	}
	buttons.push(el('a', { class: 'button small', href: logsHref({ app: app.name }, app.node), dataset: { role: 'logs' },
		'aria-label': 'Logs of ' + app.name, text: 'Logs' }));
	return el('span', { class: 'row-actions' }, ...buttons);
}

// a row is one app of one server: a node's app may have the name of one of this server's
function rowKey(app) {
	return app.node ? app.name + '@' + app.node : app.name;
}

function newRow(app) {
	const row = el('tr', { dataset: app.node ? { app: app.name, node: app.node } : { app: app.name } });
	for (const [label, name] of [['App', 'app'], ['State', 'state'], ['Health', 'health'], ['Version', 'version'],
		['URL', 'url'], ['Requests/s (1 h)', 'spark'], ['Last error', 'error'], ['Actions', 'actions']]) {
		row.append(cell(label, null));
		row.lastChild.classList.add('c-' + name);
	}
	return row;
}

function fill(row, app) {
	const [name, state, health, version, url, spark, error, act] = row.children;
	// an app on a node is named with its node, and its page is the node's (/apps/NAME?node=N)
	update(name, [app.name, app.node, app.node_reachable], () => (app.node
		? el('span', {}, el('a', { href: appHref(app.name, app.node), text: app.name }),
			' (node ' + app.node + (app.node_reachable === false ? ', unreachable' : '') + ')')
		: el('a', { href: appHref(app.name, null), text: app.name })));
	update(state, app.state, () => stateBadge(app.state));
	update(health, [app.health?.status, app.health?.message], () => healthBadge(app.health));
	update(version, app.version || '', () => app.version || '—');
	update(url, app.urls || [], () => urlLinks(app.urls));
	// the sparklines are this server's apps' only
	const line = app.node ? null : sparklines.get(app.name);
	update(spark, line ? line.dataset.points + ':' + (line.dataset.stamp || '') : '-', () => line || '—');
	update(error, app.last_error ? [app.last_error.id, relativeTime(app.last_error.time)] : null,
		() => app.last_error ? el('span', { class: 'last-error', title: app.last_error.time }, lastErrorText(app)) : '—');
	update(act, app.state, () => actions(app));
}

function render() {
	const rows = new Map($$('tr[data-app]', body).map((row) => [rowKey({ name: row.dataset.app, node: row.dataset.node }), row]));
	const keys = new Set(apps.map(rowKey));
	for (const [key, row] of rows) {
		if (!keys.has(key)) {
			row.remove();
			rows.delete(key);
		}
	}
	const ordered = [...apps].sort(compare);
	let visible = 0;
	let previous = null;
	const focused = document.activeElement;
	for (const app of ordered) {
		let row = rows.get(rowKey(app));
		if (!row) {
			row = newRow(app);
			rows.set(rowKey(app), row);
		}
		fill(row, app);
		row.hidden = !matches(app);
		visible += row.hidden ? 0 : 1;
		// move a row only when the order changed, so the one with focus stays put
		const expected = previous ? previous.nextElementSibling : body.firstElementChild;
		if (expected !== row) {
			if (previous) {
				previous.after(row);
			} else {
				body.prepend(row);
			}
		}
		previous = row;
	}
	if (focused && focused !== document.activeElement && document.contains(focused)) {
		focused.focus();
	}
	const counts = {};
	for (const app of apps) {
		counts[app.state] = (counts[app.state] || 0) + 1;
	}
	const unhealthy = apps.filter((app) => app.health?.status === 'down').length;
	const parts = Object.entries(counts).sort((a, b) => PROBLEMS.indexOf(a[0]) - PROBLEMS.indexOf(b[0]))
		.map(([state, count]) => count + ' ' + state);
	if (unhealthy) {
		parts.push(unhealthy + ' unhealthy');
	}
	$('#state-counts').textContent = apps.length + (apps.length === 1 ? ' app' : ' apps') + (parts.length ? ': ' + parts.join(', ') : '')
		+ (visible !== apps.length ? ' — showing ' + visible : '');
	$('#no-apps').hidden = apps.length > 0;
	$('#no-match').hidden = apps.length === 0 || visible > 0;
}

function keepInUrl() {
	const params = new URLSearchParams();
	if (search.value.trim()) {
		params.set('q', search.value.trim());
	}
	if (stateFilter.value) {
		params.set('state', stateFilter.value);
	}
	if (sort.value !== 'name') {
		params.set('sort', sort.value);
	}
	const query = params.toString();
	history.replaceState(null, '', query ? '?' + query : location.pathname);
}

async function refresh() {
	try {
		apps = await rpc('apps.list');
		if (refreshes++ % SPARKLINE_EVERY === 0) {
			const local = apps.filter((app) => !app.node);
			const series = await batch(local.map((app) => ['apps.metrics', { name: app.name, since: '1h' }]));
			local.forEach((app, index) => {
				if (series[index]?.result) {
					const line = sparkline(series[index].result);
					line.dataset.stamp = String(refreshes);
					sparklines.set(app.name, line);
				}
			});
		}
		render();
		// for tests and scripts: how many refreshes have been applied
		document.body.dataset.refreshes = String(refreshes);
		if (status.classList.contains('error')) {
			say(status, '');
		}
	} catch (error) {
		say(status, describe(error, 'Cannot list the apps (the table shows what was known before)'), 'error');
	}
}

function schedule() {
	clearInterval(timer);
	if ($('#auto-refresh').checked) {
		timer = setInterval(refresh, REFRESH_MS);
	}
}

const initial = new URLSearchParams(location.search);
search.value = initial.get('q') || '';
stateFilter.value = initial.get('state') || '';
sort.value = initial.get('sort') || 'name';
for (const control of [search, stateFilter, sort]) {
	control.addEventListener(control === search ? 'input' : 'change', () => {
		keepInUrl();
		render();
	});
}
$('#clear-filters').addEventListener('click', () => {
	search.value = '';
	stateFilter.value = '';
	keepInUrl();
	render();
	search.focus();
});
$('#auto-refresh').addEventListener('change', schedule);
refresh();
schedule();
