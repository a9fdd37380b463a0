// The dashboard lists a node's apps with their node, links each to its page on that node
// (/apps/NAME?node=N) and acts on them there: it linked such an app to /apps/NAME (this
// server's app of that name, or a 404) and its Restart and Stop went to this server.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, stubScript, until } from './fake-page.mjs';

after(removeScripts);

const APPS = [
	{ name: 'shop', state: 'running', version: '2.0', urls: [], health: null, last_error: null },
	{ name: 'blog', state: 'running', version: '1.0', urls: [], health: null, last_error: null, node: 'n1',
		node_reachable: false },
	// this server's app of the same name: a row of its own
	{ name: 'blog', state: 'stopped', version: '0.9', urls: [], health: null, last_error: null },
];

function rowOf(page, name, node) {
	return page.byId('apps').querySelectorAll('tr[data-app]')
		.find((row) => row.dataset.app === name && row.dataset.node === node);
}

function button(cell, role) {
	const actions = cell.children[0];
	return actions.children.find((child) => child.dataset.role === role);
}

test("a node's app is named with its node, linked to its page there, and restarted on its node", async () => {
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
	await until(() => page.byId('apps').querySelectorAll('tr[data-app]').length === 3, 'the three rows');

	const blog = rowOf(page, 'blog', 'n1').children[0];
	assert.equal(blog.textContent, 'blog (node n1, unreachable)');
	const link = blog.children[0].children[0];
	assert.equal(link.tagName, 'A');
	assert.equal(link.getAttribute('href'), '/apps/blog?node=n1');
	const localBlog = rowOf(page, 'blog', undefined).children[0];
	assert.equal(localBlog.textContent, 'blog');
	assert.equal(localBlog.children[0].getAttribute('href'), '/apps/blog');
	const shop = rowOf(page, 'shop').children[0];
	assert.equal(shop.children[0].tagName, 'A');
	assert.equal(shop.children[0].getAttribute('href'), '/apps/shop');
	// the sparklines are this server's apps' only: shop and this server's blog
	assert.deepEqual(page.calls.filter((method) => method === 'apps.metrics'), ['apps.metrics', 'apps.metrics']);

	const restart = button(rowOf(page, 'blog', 'n1').children[7], 'restart');
	restart.dispatch('click', { currentTarget: restart });
	await until(() => restarts.length === 1, 'the restart call');
	assert.deepEqual(restarts[0], { name: 'blog', node: 'n1' });
	const local = button(rowOf(page, 'shop').children[7], 'restart');
	local.dispatch('click', { currentTarget: local });
	await until(() => restarts.length === 2, 'the second restart call');
	assert.deepEqual(restarts[1], { name: 'shop' });
});
