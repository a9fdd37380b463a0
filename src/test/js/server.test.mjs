// The server page says in words how the app server packages stand; it showed
// "App server packages: state ready, gunicorn 26.2.0, message null, log null".
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, until } from './fake-page.mjs';

after(removeScripts);

function info(gunicorn) {
	return { version: '1.0.0', home: '/var/lib/pyapp', java: '17', started: '2026-12-05T19:45:45Z', python: [],
		dropbox: { path: '/var/lib/pyapp/dropbox', watched: true }, gunicorn,
		webserver: { kind: 'nginx', managed: true, state: 'running', pid: 7, config: '/x/nginx.conf', applied: null,
			message: null } };
}

test('ready packages are named without the fields that have no value', async () => {
	const page = installPage({ 'server.info': () => info({ state: 'ready', gunicorn: '26.2.0', message: null, log: null }) });
	await loadScript('server.js');
	const line = page.byId('gunicorn');
	await until(() => line.textContent !== '', 'the packages on the page');

	assert.equal(line.textContent, 'App server packages: ready (gunicorn 26.2.0)');
});

test('a failure says why', async () => {
	const page = installPage({ 'server.info': () => info({ state: 'failed', gunicorn: null,
		message: 'pip could not install gunicorn from the index', log: 'ERROR: No matching distribution' }) });
	await loadScript('server.js');
	const line = page.byId('gunicorn');
	await until(() => line.textContent !== '', 'the packages on the page');

	assert.equal(line.textContent, 'App server packages: failed: pip could not install gunicorn from the index');
});
