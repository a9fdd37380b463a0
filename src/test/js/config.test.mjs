// The configuration form's answer to config.set: a -32005 means the values were saved
// and the app failed to start or reload with them (its post-install hook, its health
// check), so the page must not say "not saved" (it did, while the server kept the values).
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';

import { Held, installPage, loadScript, removeScripts, until } from './fake-page.mjs';

let current = null;

afterEach(() => current?.held.forEach((answer) => answer.error({ code: -32603, message: 'the test ended' })));
after(removeScripts);

const spec = { name: 'guestbook', format: 1, output: 'yaml', sections: [] };

async function loadConfigPage(handlers) {
	const page = current = installPage({
		'config.spec': () => spec,
		'config.get': () => ({ values: {}, complete: true }),
		'POST /apps/guestbook/config/fields': () => '<fieldset></fieldset>',
		...handlers,
	});
	page.byId('config-page').dataset.app = 'guestbook';
	page.byId('config-form').append(page.byId('config-fields'));
	await loadScript('config.js');
	await until(() => page.calls.includes('POST /apps/guestbook/config/fields'), 'the form');
	return page;
}

test('values saved whose restart failed are reported as saved, with what failed', async () => {
	const page = await loadConfigPage({ 'config.set': (params, signal) => new Held('config.set', params, signal) });
	page.byId('config-form').dispatch('submit');
	await until(() => page.held.length === 1, 'the save');
	page.held[0].error({ code: -32005,
		message: "install of guestbook failed at step 'post-install': the post-install hook guestbook.hooks:setup failed with exit code 1",
		data: { type: 'failed', log: 'Traceback (most recent call last):\nKeyError: \'title\'' } });
	const message = page.byId('config-message');
	await until(() => message.classList.contains('error'), 'the outcome on the page');

	assert.doesNotMatch(message.textContent, /not saved/);
	assert.match(message.textContent, /^Saved, but guestbook did not start with the new configuration: install of guestbook failed at step 'post-install'/);
	// the form shows what the server now holds
	await until(() => page.calls.filter((method) => method === 'config.get').length === 2, 'the form read again');
});

test('a save refused before anything is written is reported as not saved', async () => {
	const page = await loadConfigPage({ 'config.set': (params, signal) => new Held('config.set', params, signal) });
	page.byId('config-form').dispatch('submit');
	await until(() => page.held.length === 1, 'the save');
	page.held[0].error({ code: -32003, message: 'an upgrade of guestbook is running', data: { type: 'conflict' } });
	const message = page.byId('config-message');
	await until(() => message.classList.contains('error'), 'the outcome on the page');

	assert.equal(message.textContent, 'The configuration was not saved: an upgrade of guestbook is running');
});

test("a node's app's form is rendered from the node's spec and values, and saved on the node", async () => {
	const params = [];
	const record = (method, answer) => (sent, signal) => {
		params.push([method, sent]);
		return answer(sent, signal);
	};
	const nodeSpec = { ...spec, sections: [{ name: 'site', fields: [{ name: 'title', type: 'string' }] }] };
	const rendered = [];
	const page = current = installPage({
		'config.spec': record('config.spec', () => nodeSpec),
		'config.get': record('config.get', () => ({ values: { site: { title: 'on web2' } }, complete: true })),
		'config.validate': record('config.validate', () => ({ valid: true, errors: [] })),
		'config.set': record('config.set', () => ({ saved: true })),
		'POST /apps/guestbook/config/fields': (body) => {
			rendered.push(body);
			return '<fieldset></fieldset>';
		},
	});
	page.byId('config-page').dataset.app = 'guestbook';
	page.byId('config-page').dataset.node = 'web2';
	page.byId('config-form').append(page.byId('config-fields'));
	await loadScript('config.js');
	await until(() => rendered.length === 1, 'the form');

	assert.deepEqual(rendered[0], { spec: nodeSpec, values: { values: { site: { title: 'on web2' } }, complete: true } });
	page.byId('config-validate').dispatch('click', { currentTarget: page.byId('config-validate') });
	await until(() => page.calls.includes('config.validate'), 'the check');
	page.byId('config-form').dispatch('submit');
	await until(() => rendered.length === 2, 'the form drawn again after the save');

	assert.deepEqual(params.map(([method]) => method).sort(),
		['config.get', 'config.get', 'config.set', 'config.spec', 'config.spec', 'config.validate']);
	for (const [method, sent] of params) {
		assert.equal(sent.node, 'web2', method + ' names the node');
		assert.equal(sent.name, 'guestbook', method + ' names the app');
	}
});
