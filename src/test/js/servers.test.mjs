// The mount form mounts an app or a static folder (SPEC §5: "a mount puts an app (or a
// static folder: the built-in static app) at a path prefix"); the form offered apps only.
import { after, afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, until } from './fake-page.mjs';

after(removeScripts);

const realSetInterval = globalThis.setInterval;
beforeEach(() => {
	// the page refreshes its status every 10 s; a test has no use for that
	globalThis.setInterval = () => 0;
});
afterEach(() => {
	globalThis.setInterval = realSetInterval;
});

async function loadServersPage(added) {
	const page = installPage({
		'servers.list': () => [{ name: 's1', hostnames: ['example.org'], listen: '127.0.0.1:8080' }],
		'mounts.list': () => [],
		'apps.list': () => [{ name: 'guestbook', state: 'running' }],
		'webserver.status': () => ({ kind: 'nginx', managed: true, state: 'running', pending: true, changes: [],
			diff: '' }),
		'mounts.add': (params) => {
			added.push(params);
			return params;
		},
	});
	globalThis.CSS = { escape: (text) => text };
	for (const id of ['mount-server', 'mount-app']) {
		page.byId(id).options = [];
	}
	const form = page.byId('mount-form');
	form.closest = () => ({});
	form.values = {};
	globalThis.FormData = class {
		constructor(element) {
			this.element = element;
		}

		entries() {
			return Object.entries(this.element.values || {})[Symbol.iterator]();
		}
	};
	await loadScript('servers.js');
	await until(() => page.calls.includes('webserver.status'), 'the page loaded');
	return page;
}

test('a static folder is mounted without an app', async () => {
	const added = [];
	const page = await loadServersPage(added);
	page.byId('mount-form').values = { server: 's1', path: '/files', folder: '/srv/files' };
	page.byId('mount-form').dispatch('submit');
	await until(() => added.length === 1, 'mounts.add');

	assert.deepEqual(added[0], { server: 's1', path: '/files', folder: '/srv/files' });
	await until(() => page.byId('servers-message').classList.contains('ok'), 'the outcome on the page');
	assert.equal(page.byId('servers-message').textContent,
		'the folder /srv/files mounted at s1 /files (staged). Apply to make it live.');
});

test('an app and a folder at once are not sent', async () => {
	const added = [];
	const page = await loadServersPage(added);
	page.byId('mount-form').values = { server: 's1', path: '/files', app: 'guestbook', folder: '/srv/files' };
	page.byId('mount-form').dispatch('submit');
	await new Promise((resolve) => setTimeout(resolve, 200));

	assert.deepEqual(added, []);
});
