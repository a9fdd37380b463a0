// Update now and Roll back on the app page show the step and the app's pyapp.deploy log
// lines while the call runs (SPEC §8 "Long work … shows its progress and its log as it
// happens"); the page showed only "Update gitdemo…" and, at the next 5-second refresh, a
// Progress fact, never the deploy's log.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';

import { Held, installPage, loadScript, pause, removeScripts, until } from './fake-page.mjs';

let current = null;

afterEach(() => current?.held.forEach((answer) => answer.error({ code: -32603, message: 'the test ended' })));
after(removeScripts);

test('the step and the deploy log of the app are shown while the work runs, and not after it', async () => {
	const tails = [];
	let tailed = 0;
	const page = current = installPage({
		'logs.tail': (params, signal) => {
			tails.push(params);
			if (!params.after) {
				return { records: [], cursor: '5' };
			}
			if (tailed++ === 0) {
				return { cursor: '7', records: [
					{ id: '6', app: 'gitdemo', logger: 'pyapp.deploy', level: 'INFO', message: '[pre-update] migrating step 0' },
					{ id: '7', app: 'gitdemo', logger: 'stdout', level: 'INFO', message: 'GET / 200' },
				] };
			}
			return new Held('logs.tail', params, signal);
		},
		'apps.get': () => ({ name: 'gitdemo', state: 'upgrading',
			progress: { step: 'pre-update', message: 'running the pre-update hook gitdemo.hooks:migrate' } }),
		'apps.update': (params, signal) => new Held('apps.update', params, signal),
	});
	const { rpc } = await loadScript('rpc.js');
	const { watchDeploy } = await loadScript('deploy-watch.js');
	const step = page.byId('deploy-step');
	const log = page.byId('deploy-log');

	const outcome = watchDeploy('gitdemo', () => rpc('apps.update', { name: 'gitdemo' }), { step, log });
	await until(() => step.textContent.startsWith('upgrading'), 'the step on the page');
	assert.equal(step.textContent, 'upgrading — pre-update: running the pre-update hook gitdemo.hooks:migrate');
	await until(() => !log.hidden, 'the log on the page');
	assert.equal(log.textContent, 'INFO [pre-update] migrating step 0\n');
	assert.ok(tails.every((params) => params.app === 'gitdemo'), 'only this app\'s records are tailed');

	page.held.find((answer) => answer.method === 'apps.update').result({ updated: true, version: '1.0.1' });
	assert.deepEqual(await outcome, { updated: true, version: '1.0.1' });
	const reads = page.calls.filter((method) => method === 'apps.get').length;
	step.textContent = 'Done.';
	await pause(1000);
	assert.equal(page.calls.filter((method) => method === 'apps.get').length, reads);
	assert.equal(step.textContent, 'Done.');
});
