// The dashboard lists a node's apps with their node (there is no app page for them) and
// acts on them there: it linked such an app to /apps/NAME (a 404) and its Restart and
// Stop went to this server, which has no app of that name.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, stubScript, until } from './fake-page.mjs';

after(removeScripts);

const APPS = [
	{ name: 'shop', state: 'running', version: '2.0', urls: [], health: null, last_error: null },
	{ name: 'blog', state: 'running', version: '1.0', urls: [], health: null, last_error: null, node: 'n1',
		node_reachable: false },
];

function rowOf(page, name) {
	return page.byId('apps').querySelectorAll('tr[data-app]').find((row) => row.dataset.app === name);
}

function button(cell, role) {
	const actions = cell.children[0];
	return actions.children.find((child) => child.dataset.role === role);
}

test("a node's app is named with its node, unlinked, and restarted on its node", async () => {
	const restarts = [];
	const page = installPage({
		'apps.list': () => APPS,
		'apps.metrics': () => ({ times: [], requests: {} }),
		'apps.restart': (params) => {
			restarts.push(params);
			return { name: params.name, state: 'running' };
		},
	});
	stubScript('charts.js', 'export function sparkline() { return document.createElement("svg"); }\n');
	await loadScript('dashboard.js');
	await until(() => page.byId('apps').querySelectorAll('tr[data-app]').length === 2, 'the two rows');

	const blog = rowOf(page, 'blog').children[0];
	assert.equal(blog.textContent, 'blog (node n1, unreachable)');
	assert.equal(blog.children[0].tagName, 'SPAN', 'no link to an app page that does not exist');
	const shop = rowOf(page, 'shop').children[0];
	assert.equal(shop.children[0].tagName, 'A');
	assert.equal(shop.children[0].getAttribute('href'), '/apps/shop');
	// the sparklines are this server's apps' only
	assert.deepEqual(page.calls.filter((method) => method === 'apps.metrics'), ['apps.metrics']);

	const restart = button(rowOf(page, 'blog').children[7], 'restart');
	restart.dispatch('click', { currentTarget: restart });
	await until(() => restarts.length === 1, 'the restart call');
	assert.deepEqual(restarts[0], { name: 'blog', node: 'n1' });
	const local = button(rowOf(page, 'shop').children[7], 'restart');
	local.dispatch('click', { currentTarget: local });
	await until(() => restarts.length === 2, 'the second restart call');
	assert.deepEqual(restarts[1], { name: 'shop' });
});
