// The app page's summary of a git app, without a browser: how it follows its repository
// (strategy, pre-releases, how often it is checked and when last, what that led to), as
// apps.get gives it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, stubScript, until } from './fake-page.mjs';

after(removeScripts);

const GIT_APP = {
	name: 'blog', version: '1.2.0', state: 'running', release: '1.2.0-a', urls: [], mounts: [],
	source: { kind: 'git', url: 'https://git.example/blog.git', strategy: 'latest-tag', branch: null, tag_pattern: 'v*' },
	git: { prereleases: true, poll_interval: '5m', last_checked: '2026-12-06T00:00:00Z',
		last_event: 'already current at 0123abcd' },
	releases: [{ id: '1.2.0-a', version: '1.2.0', commit: '0123abcd0123abcd' }],
	process: { state: 'running' }, health: {}, env: {}, update_available: null,
};

test('a git app shows how it follows its repository', async () => {
	const page = installPage({
		'apps.get': () => GIT_APP,
		'tasks.list': () => [],
		'hooks.list': () => [],
		'apps.metrics': () => ({}),
	});
	page.byId('app-page').dataset.app = 'blog';
	// uPlot is a webjar the server serves
	stubScript('charts.js', 'export function drawAppCharts() {}\n');
	// the page's refresh timers (the charts' too, set once their module loaded) are not
	// this test's
	const setInterval = globalThis.setInterval;
	globalThis.setInterval = () => 0;
	try {
		await loadScript('app.js');
		await renders(page);
	} finally {
		globalThis.setInterval = setInterval;
	}
});

async function renders(page) {
	const summary = page.byId('app-summary');
	await until(() => summary.textContent.includes('Checked'), 'the summary: ' + page.byId('app-message').textContent);

	assert.match(summary.textContent, /Followslatest tag matching v\*, pre-releases included/);
	assert.match(summary.textContent, /Checkedevery 5m; last /);
	assert.match(summary.textContent, /Last eventalready current at 0123abcd/);
	await until(() => page.calls.includes('apps.metrics'), 'the charts');
}
