// The install page's contract with the server, without a browser: apps.install's answer
// is the last word. Progress read while the install ran never replaces the outcome, even
// when that read answers after it (a deploy that fails within a second, on a loaded
// machine: the page stayed on "upgrading — health: …" and never said that it failed).
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';

import { Held, installPage, loadScript, pause, removeScripts, until } from './fake-page.mjs';

let current = null;

// a test that failed half-way leaves calls unanswered: answering them ends the page's
// work, so that no timer of it keeps Node running
afterEach(() => current?.held.forEach((answer) => answer.error({ code: -32603, message: 'the test ended' })));
after(removeScripts);

/** Loads install.js afresh into the page, as a browser does on each page load. */
async function loadInstallPage(handlers) {
	const page = current = installPage({
		'logs.tail': (params, signal) => (params.after ? new Held('logs.tail', params, signal)
			: { records: [], cursor: '7' }),
		'archives.inspect': () => ({ action: 'upgrade', name: 'guestbook', live: { release: '1.0.0-1', version: '1.0.0' },
			message: 'upgrades 1.0.0 → 1.1.0' }),
		'apps.list': () => [{ name: 'guestbook', state: 'upgrading' }],
		...handlers,
	});
	await loadScript('install.js');
	return page;
}

/** Drops an archive on the page and answers "Upgrade". */
async function upgrade(page) {
	const input = page.byId('archive-file');
	input.files = [{ name: 'guestbook-1.1.0.pyapp' }];
	input.dispatch('change');
	const ok = page.byId('install-confirm-ok');
	await until(() => !page.byId('install-confirm').hidden && ok.onclick, 'the question before the upgrade');
	ok.onclick();
}

function held(page, method) {
	return page.held.filter((answer) => answer.method === method);
}

const failedAtHealth = {
	code: -32005,
	message: "upgrade of guestbook failed at step 'health': health check GET /guestbook/health failed: Connection reset",
	data: {
		type: 'failed',
		app: 'guestbook',
		release: '1.1.0-2',
		cause: { summary: "ModuleNotFoundError: No module named 'guestbook_reports'",
			excerpt: "Traceback (most recent call last):\n  import guestbook_reports\nModuleNotFoundError: No module named 'guestbook_reports'",
			records: 3 },
		live: { release: '1.0.0-1', version: '1.0.0' },
	},
};

test('a failure that arrives while a progress read is under way stays on the page', async () => {
	const page = await loadInstallPage({
		'apps.get': (params, signal) => new Held('apps.get', params, signal),
		'apps.install': (params, signal) => new Held('apps.install', params, signal),
	});
	await upgrade(page);
	await until(() => held(page, 'apps.get').length > 0, 'a progress read');
	// the deploy fails while the read is under way; the read answers afterwards with the
	// step the deploy was at when it was asked
	held(page, 'apps.install')[0].error(failedAtHealth);
	const step = page.byId('install-step');
	await until(() => step.classList.contains('error'), 'the failure on the page');
	held(page, 'apps.get')[0].result({ name: 'guestbook', progress: { step: 'health',
		message: 'checking the health of 1.1.0-2' } });
	await pause(1000);

	assert.equal(page.byId('install-title').textContent, 'Install failed');
	assert.ok(step.classList.contains('error'), 'the step line says the install failed: ' + step.textContent);
	assert.doesNotMatch(step.textContent, /upgrading/);
	assert.match(step.textContent, /failed at step 'health'/);
	const result = page.byId('install-result');
	assert.match(result.find('install-cause').textContent, /ModuleNotFoundError: No module named 'guestbook_reports'/);
	assert.match(result.find('install-live').textContent, /1\.0\.0 is still live/);
});

test('a failed upgrade of an app that is not running says its live release serves nothing, and the hint', async () => {
	const page = await loadInstallPage({
		'apps.get': () => ({ name: 'guestbook', progress: { step: 'health', message: 'checking' } }),
		'apps.install': () => new Held('apps.install'),
	});
	await upgrade(page);
	await until(() => held(page, 'apps.install').length > 0, 'the install call');
	held(page, 'apps.install')[0].error({ ...failedAtHealth, data: { ...failedAtHealth.data,
		hint: 'write to PYAPP_DATA_PATH', live: { ...failedAtHealth.data.live, serving: false } } });
	await until(() => page.byId('install-result').find('install-live'), 'the live line');
	assert.match(page.byId('install-result').find('install-live').textContent, /1\.0\.0 is still live but not running: guestbook serves nothing/);
	assert.match(page.byId('install-result').find('install-hint').textContent, /What to do: write to PYAPP_DATA_PATH/);
});

test('a failure before the first progress read is shown and nothing is read after it', async () => {
	const page = await loadInstallPage({
		'apps.get': () => ({ name: 'guestbook', progress: { step: 'start', message: 'starting' } }),
		'apps.install': () => new Held('apps.install'),
	});
	await upgrade(page);
	await until(() => held(page, 'apps.install').length > 0, 'the install call');
	held(page, 'apps.install')[0].error(failedAtHealth);
	await pause(1600);

	assert.deepEqual(page.calls.filter((method) => method === 'apps.list' || method === 'apps.get'), []);
	assert.ok(page.byId('install-step').classList.contains('error'));
	assert.ok(page.byId('install-result').find('install-cause'));
});

test('progress is read one read at a time and shown until the install is done', async () => {
	const page = await loadInstallPage({
		'apps.get': (params, signal) => new Held('apps.get', params, signal),
		'apps.install': (params, signal) => new Held('apps.install', params, signal),
	});
	await upgrade(page);
	await until(() => held(page, 'apps.get').length > 0, 'a progress read');
	// a slow server: no second read starts while the first is under way
	await pause(2000);
	assert.equal(page.calls.filter((method) => method === 'apps.list').length, 1);
	held(page, 'apps.get')[0].result({ name: 'guestbook', progress: { step: 'venv', message: 'building' } });
	const step = page.byId('install-step');
	await until(() => step.textContent === 'guestbook: upgrading — venv: building', 'the progress on the page');
	await until(() => held(page, 'apps.get').length > 1, 'the next progress read');
	held(page, 'apps.install')[0].result({ name: 'guestbook', version: '1.1.0', state: 'running' });
	await until(() => step.classList.contains('ok'), 'the outcome on the page');
	held(page, 'apps.get')[1].result({ name: 'guestbook', progress: { step: 'health', message: 'checking' } });
	await pause(1000);

	assert.equal(page.byId('install-title').textContent, 'Installed');
	assert.equal(step.textContent, 'Installed guestbook 1.1.0 — state: running');
	assert.ok(page.byId('install-result').find('install-done'));
});

test('an archive that conflicts with a git app is refused in a sentence, nothing more', async () => {
	const page = await loadInstallPage({
		'archives.inspect': () => ({ action: 'conflict', name: 'gitdemo', live: { release: '1.0.0-1', version: '1.0.0' },
			message: 'an app named gitdemo is installed from git; an archive cannot replace it' }),
	});
	const input = page.byId('archive-file');
	input.files = [{ name: 'gitdemo-1.0.0.pyapp' }];
	input.dispatch('change');
	const errors = page.byId('upload-errors');
	await until(() => !errors.hidden, 'the refusal on the page');

	// the browser showed "… cannot replace it" and then "null" under it
	assert.equal(errors.textContent, 'an app named gitdemo is installed from git; an archive cannot replace it');
	assert.deepEqual(page.calls.filter((method) => method === 'apps.install'), []);
});

test('the next install after a failed one is not titled "Install failed"', async () => {
	const page = await loadInstallPage({
		'archives.inspect': () => ({ action: 'install', name: 'guestbook', live: null, message: 'installs guestbook 1.1.0' }),
		'apps.list': () => [],
		'apps.install': (params, signal) => new Held('apps.install', params, signal),
	});
	const input = page.byId('archive-file');
	input.files = [{ name: 'guestbook-1.1.0.pyapp' }];
	input.dispatch('change');
	await until(() => held(page, 'apps.install').length === 1, 'the first install call');
	held(page, 'apps.install')[0].error(failedAtHealth);
	const title = page.byId('install-title');
	await until(() => title.textContent === 'Install failed', 'the failure on the page');

	input.dispatch('change');
	await until(() => held(page, 'apps.install').length === 2, 'the second install call');
	assert.equal(title.textContent, 'Installing');
	assert.equal(page.byId('install-step').textContent, 'Starting…');
	held(page, 'apps.install')[1].result({ name: 'guestbook', version: '1.1.0', state: 'running' });
	await until(() => title.textContent === 'Installed', 'the outcome on the page');
});
