// The app page's Workers card: what the daemon runs with (apps.get's scale) and a form
// that changes it (apps.scale); the threads of an app whose workers are processes are not
// offered, and "As metadata.yaml asks" shows only once an operator scaled it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, stubScript, until } from './fake-page.mjs';

const setInterval = globalThis.setInterval;
globalThis.setInterval = () => 0;

after(() => {
	globalThis.setInterval = setInterval;
	removeScripts();
});

function app(scale) {
	return {
		name: 'blog', version: '1.0.0', state: 'running', release: '1.0.0-a', urls: [], mounts: [],
		source: { kind: 'archive' }, releases: [], process: { state: 'running', pid: 42 }, health: {}, env: {},
		scale,
	};
}

async function page(scale, scaled) {
	const calls = [];
	const answers = {
		'apps.get': () => app(scale),
		'apps.scale': (params) => {
			calls.push(params);
			return { scale: scaled, process: { state: 'running', pid: 43 } };
		},
		'tasks.list': () => [],
		'hooks.list': () => [],
		'apps.metrics': () => ({}),
	};
	const fake = installPage(answers);
	fake.byId('app-page').dataset.app = 'blog';
	stubScript('charts.js', 'export function drawAppCharts() {}\n');
	await loadScript('app.js');
	await until(() => fake.byId('scale-now').textContent !== '', 'the scale shown');
	return { fake, calls };
}

test('shows the counts and sends the new ones', async () => {
	const { fake, calls } = await page({ workers: 1, threads: 8, source: 'app', method: 'threading' },
		{ workers: 3, threads: 4, source: 'operator', method: 'threading' });

	assert.equal(fake.byId('scale-now').textContent, "1 worker process × 8 threads, as the app's metadata.yaml asks");
	assert.equal(String(fake.byId('scale-workers').value), '1');
	assert.equal(String(fake.byId('scale-threads').value), '8');
	assert.equal(fake.byId('scale-reset').hidden, true);
	assert.equal(fake.byId('scale-threads-field').hidden, false);

	fake.byId('scale-workers').value = '3';
	fake.byId('scale-threads').value = '4';
	fake.byId('scale-form').dispatch('submit');
	await until(() => fake.byId('scale-message').textContent !== '', 'the outcome');

	assert.deepEqual(calls, [{ name: 'blog', workers: 3, threads: 4 }]);
	assert.equal(fake.byId('scale-message').textContent, 'Now 3 × 4 (restarted gracefully).');
});

test('an app whose workers are processes is scaled by its workers only, and can be reset', async () => {
	const { fake, calls } = await page({ workers: 4, threads: 1, source: 'operator', method: 'processes' },
		{ workers: 2, threads: 1, source: 'app', method: 'processes' });

	assert.equal(fake.byId('scale-now').textContent,
		'4 worker processes (one thread each), scaled by an operator (the app asks for other counts)');
	assert.equal(fake.byId('scale-threads-field').hidden, true);
	assert.equal(fake.byId('scale-reset').hidden, false);

	fake.byId('scale-workers').value = '6';
	fake.byId('scale-form').dispatch('submit');
	await until(() => calls.length === 1, 'the scale sent');
	assert.deepEqual(calls[0], { name: 'blog', workers: 6 });

	fake.byId('scale-reset').dispatch('click', { currentTarget: fake.byId('scale-reset') });
	await until(() => calls.length === 2, 'the reset sent');
	assert.deepEqual(calls[1], { name: 'blog', reset: true });
});
