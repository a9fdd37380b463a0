// The log viewer: opened from a node's app (/logs?app=blog&node=web2), every call it makes
// names the node, so that the node's agent answers from its own records; this server's
// copy of them has a local app of the same name mixed in. Without a node it names none.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, until } from './fake-page.mjs';

after(() => removeScripts());

const RECORD = { id: 'r1', time: '2026-12-06T00:00:00Z', level: 'ERROR', app: 'blog', logger: 'app', message: 'boom' };

async function openLogs(search) {
	const calls = [];
	const page = installPage({
		'logs.query': (params) => {
			calls.push(['logs.query', params]);
			return { records: [RECORD], next: null };
		},
		'apps.list': (params) => {
			calls.push(['apps.list', params]);
			return [{ name: 'blog' }];
		},
	});
	window.location.search = search;
	// the select's placeholder option (the fake page has no HTML to take it from)
	page.byId('log-app').options = [];
	await loadScript('logs.js');
	await until(() => calls.length === 2 && page.byId('log-records').children.length === 1, 'the search and the apps');
	return { page, calls };
}

test("the logs of a node's app are read from the node", async () => {
	const { page, calls } = await openLogs('?app=blog&level=ERROR&node=web2');

	assert.deepEqual(calls.find(([method]) => method === 'logs.query')[1],
		{ app: 'blog', level: 'ERROR', since: '1h', limit: 100, node: 'web2' });
	assert.deepEqual(calls.find(([method]) => method === 'apps.list')[1], { node: 'web2' });
	assert.equal(page.byId('log-node').hidden, false);
	assert.match(page.byId('log-node').textContent, /^Records of the apps on node web2, read from the node\./);
});

test("this server's logs name no node", async () => {
	const { page, calls } = await openLogs('?app=blog');

	for (const [method, params] of calls) {
		assert.ok(!('node' in params), method + ' names no node: ' + JSON.stringify(params));
	}
	assert.equal(page.byId('log-node').hidden, true);
});
