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
