// The page of an app on a node (/apps/NAME?node=N, data-node on the page): every call it
// makes names the node, so that the server forwards it to the node's agent; before, the
// page had no node and each call went to this server, which has no such app. A node that
// does not answer gives the reason on the page, not an empty page.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { FakeElement, Held, installPage, loadScript, removeScripts, stubScript, until } from './fake-page.mjs';

// the page's refresh timers (the charts' too, set once their module loaded) are not these
// tests'
const setInterval = globalThis.setInterval;
globalThis.setInterval = () => 0;

after(() => {
	globalThis.setInterval = setInterval;
	removeScripts();
});

const NODE_APP = {
	name: 'blog', version: '1.0.0', state: 'running', release: '1.0.0-a', urls: [], mounts: [],
	source: { kind: 'archive' }, releases: [{ id: '1.0.0-a', version: '1.0.0', state: 'live' }],
	process: { state: 'running', pid: 42 }, health: {}, env: { GREETING: 'hi' },
	last_error: { time: '2026-12-06T00:00:00Z', message: 'boom' },
};

/** Every call of the page as [method, params], answered by `answers` (by method). */
function recordingPage(answers) {
	const calls = [];
	const handlers = {};
	for (const [method, answer] of Object.entries(answers)) {
		handlers[method] = (params, signal) => {
			calls.push([method, params]);
			return answer(params, signal);
		};
	}
	return { page: installPage(handlers), calls };
}

async function loadAppPage(page, app, node) {
	page.byId('app-page').dataset.app = app;
	if (node) {
		page.byId('app-page').dataset.node = node;
	}
	// uPlot is a webjar the server serves
	stubScript('charts.js', 'export function drawAppCharts() {}\n');
	await loadScript('app.js');
}

/** The descendant whose aria-label is `label`. */
function labelled(root, label) {
	if (root.getAttribute && root.getAttribute('aria-label') === label) {
		return root;
	}
	for (const child of root.children || []) {
		const found = child instanceof FakeElement ? labelled(child, label) : null;
		if (found) {
			return found;
		}
	}
	return null;
}

function pageAnswers() {
	return {
		'apps.get': () => NODE_APP,
		'tasks.list': () => [{ name: 'nightly', schedule: '0 3 * * *', last_run: null }],
		'tasks.run': () => ({ outcome: 'succeeded' }),
		'tasks.runs': () => [],
		'hooks.list': () => [],
		'hooks.create': () => ({ id: 'h1', provider: 'github', url: 'https://node.example/hooks/h1', secret: 's' }),
		'apps.metrics': () => ({}),
		'apps.errors.acknowledge': () => ({}),
		'apps.env.set': () => ({ env: {}, restart_needed: false }),
		'apps.remove': () => ({ removed: true }),
	};
}

test("every call of a node's app page names the node", async () => {
	const { page, calls } = recordingPage(pageAnswers());
	await loadAppPage(page, 'blog', 'web2');
	const summary = page.byId('app-summary');
	await until(() => summary.textContent.includes('boom'), 'the summary: ' + page.byId('app-message').textContent);
	await until(() => ['tasks.list', 'hooks.list', 'apps.metrics'].every((method) => page.calls.includes(method)),
		'the tasks, hooks and charts');

	// the actions the page offers: each goes to the node as well
	const acknowledge = summary.find('acknowledge');
	acknowledge.dispatch('click', { currentTarget: acknowledge });
	await until(() => page.calls.includes('apps.errors.acknowledge'), 'the acknowledgement');
	await until(() => labelled(page.byId('tasks'), 'Run nightly now'), 'the task row');
	const run = labelled(page.byId('tasks'), 'Run nightly now');
	run.dispatch('click', { currentTarget: run });
	await until(() => page.calls.includes('tasks.runs'), 'the run and its history');
	// the form drew GREETING; the fake page finds no row of it: the save removes it
	page.byId('env-form').dispatch('submit');
	await until(() => page.calls.includes('apps.env.set'), 'the environment saved');
	page.byId('hook-form').dispatch('submit');
	await until(() => page.calls.includes('hooks.create'), 'the hook created');
	page.byId('remove-confirm').value = 'blog';
	page.byId('remove-form').dispatch('submit');
	await until(() => page.calls.includes('apps.remove'), 'the removal');

	assert.ok(calls.length >= 10, 'calls: ' + calls.map(([method]) => method).join(', '));
	for (const [method, params] of calls) {
		assert.equal(params.node, 'web2', method + ' names the node: ' + JSON.stringify(params));
		if (method !== 'hooks.remove') {
			assert.equal(params.name, 'blog', method + ' names the app');
		}
	}
	assert.deepEqual(calls.find(([method]) => method === 'apps.env.set')[1],
		{ name: 'blog', env: {}, merge: true, restart: false, unset: ['GREETING'], node: 'web2' });
});

test("this server's app page names no node", async () => {
	const { page, calls } = recordingPage(pageAnswers());
	await loadAppPage(page, 'blog', null);
	await until(() => ['apps.get', 'tasks.list', 'hooks.list', 'apps.metrics'].every((method) => page.calls.includes(method)),
		'the page loaded');

	for (const [method, params] of calls) {
		assert.ok(!('node' in params), method + ' names no node: ' + JSON.stringify(params));
	}
});

test('a node that does not answer gives its reason on the page', async () => {
	const { page } = recordingPage({
		...pageAnswers(),
		'apps.get': (params, signal) => {
			const answer = new Held('apps.get', params, signal);
			answer.error({ code: -32005, message: "node 'web2' is unreachable: connection refused", data: { type: 'failed' } });
			return answer;
		},
	});
	await loadAppPage(page, 'blog', 'web2');
	const message = page.byId('app-message');
	await until(() => message.classList.contains('error'), 'the error on the page');

	assert.equal(message.textContent, "Cannot load blog on node web2: node 'web2' is unreachable: connection refused");
});

test('an app the node does not have says so and leads back', async () => {
	const { page } = recordingPage({
		...pageAnswers(),
		'apps.get': (params, signal) => {
			const answer = new Held('apps.get', params, signal);
			answer.error({ code: -32001, message: "no app named 'blog' is installed", data: { type: 'not_found' } });
			return answer;
		},
	});
	await loadAppPage(page, 'blog', 'web2');
	const message = page.byId('app-message');
	await until(() => message.classList.contains('error'), 'the error on the page');

	assert.equal(message.textContent, "Cannot load blog on node web2: no app named 'blog' is installed. Back to the apps");
});

/** Every link under `root` as its href. */
function hrefs(root) {
	const found = [];
	if (root.tagName === 'A' && root.getAttribute('href')) {
		found.push(root.getAttribute('href'));
	}
	for (const child of root.children || []) {
		if (child instanceof FakeElement) {
			found.push(...hrefs(child));
		}
	}
	return found;
}

test("a node's app page leads to the node's own log records", async () => {
	const { page } = recordingPage(pageAnswers());
	await loadAppPage(page, 'blog', 'web2');
	await until(() => page.byId('app-summary').textContent.includes('boom'), 'the summary');
	await until(() => hrefs(page.byId('releases')).length > 0, 'the releases');

	// before, these read this server's copy of the records by app name, where a local
	// app named blog mixes in
	const logs = [...hrefs(page.byId('app-summary')), ...hrefs(page.byId('releases'))]
		.filter((href) => href.startsWith('/logs?'));
	assert.deepEqual(logs, ['/logs?app=blog&level=ERROR&node=web2', '/logs?app=blog&release=1.0.0-a&range=all&node=web2']);
});
