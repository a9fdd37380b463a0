// The dashboard: every app with its state, version, mounts, health and last error.
import { rpc, batch, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, stateBadge, mountText, formatTime } from './ui.js';
import { sparkline } from './charts.js';

// the sparklines change once a minute at most: fetched every 12th refresh
const SPARKLINE_EVERY = 12;
const sparklines = new Map();
let refreshes = 0;

const REFRESH_MS = 5000;
const body = $('#apps');
const status = $('#dashboard-status');
let timer = null;

function health(app) {
	const value = app.health ?? app.process?.health;
	if (value === undefined || value === null) {
		return '—';
	}
	if (typeof value === 'object') {
		return value.status || value.state || (value.healthy ? 'healthy' : 'unhealthy');
	}
	return value === true ? 'healthy' : value === false ? 'unhealthy' : String(value);
}

function lastError(details, errors) {
	const own = details?.last_error ?? details?.process?.last_error;
	if (own) {
		return typeof own === 'object' ? own.message || JSON.stringify(own) : String(own);
	}
	const record = errors?.records?.[0];
	return record ? formatTime(record.time) + ' ' + record.message : '—';
}

function row(app, details, errors) {
	const link = el('a', { href: '/apps/' + encodeURIComponent(app.name), text: app.name });
	const mounts = Array.isArray(app.mounts) && app.mounts.length > 0 ? app.mounts.map(mountText).join(', ') : '—';
	return el('tr', { dataset: { app: app.name } },
		cell('App', link),
		cell('State', stateBadge(app.state)),
		cell('Version', app.version || '—'),
		cell('Mounts', mounts),
		cell('Health', health(details || app)),
		cell('Requests/s (1 h)', sparklines.get(app.name) || '—'),
		cell('Last error', el('span', { class: 'last-error', text: lastError(details, errors) })));
}

async function refresh() {
	try {
		const apps = await rpc('apps.list');
		$('#no-apps').hidden = apps.length > 0;
		const calls = apps.flatMap((app) => [['apps.get', { name: app.name }],
			['logs.query', { app: app.name, level: 'ERROR', limit: 1 }]]);
		const replies = await batch(calls);
		if (refreshes++ % SPARKLINE_EVERY === 0) {
			const local = apps.filter((app) => !app.node);
			const series = await batch(local.map((app) => ['apps.metrics', { name: app.name, since: '1h' }]));
			local.forEach((app, index) => {
				if (series[index]?.result) {
					sparklines.set(app.name, sparkline(series[index].result));
				}
			});
		}
		body.replaceChildren(...apps.map((app, index) => row(app, replies[2 * index]?.result,
			replies[2 * index + 1]?.result)));
		if (apps.length === 0) {
			body.replaceChildren(emptyRow(7, 'No apps yet.'));
		}
		say(status, '');
	} catch (error) {
		say(status, describe(error, 'Cannot list the apps'), 'error');
	}
}

function schedule() {
	clearInterval(timer);
	if ($('#auto-refresh').checked) {
		timer = setInterval(refresh, REFRESH_MS);
	}
}

$('#auto-refresh').addEventListener('change', schedule);
refresh();
schedule();
