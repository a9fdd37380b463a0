// The environment form's change, computed against the variables the page loaded: only
// that is sent (apps.env.set with merge: true), so a variable another operator set after
// the page loaded is neither lost nor overwritten by a save (UiBrowserIT shows it in the
// real page).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadScript, removeScripts } from './fake-page.mjs';

after(removeScripts);

const { envChange, isEmpty, describeChange } = await loadScript('env.js');

const loaded = { DATABASE_URL: 'postgresql://db/blog', DEBUG: '0', GREETING: 'hello' };

function plain(change) {
	return { env: { ...change.env }, unset: change.unset };
}

test('the rows as loaded change nothing', () => {
	const change = envChange(loaded, Object.entries(loaded));
	assert.ok(isEmpty(change));
	assert.deepEqual(plain(change), { env: {}, unset: [] });
	assert.ok(isEmpty(envChange({}, [['', 'a value without a name']])));
});

test('only the variables added or given another value are set', () => {
	const change = envChange(loaded, [['DATABASE_URL', 'postgresql://db/blog'], ['DEBUG', '1'],
		['GREETING', 'hello'], ['SENTRY_DSN', 'https://k@o.ingest/1'], ['EMPTY', '']]);
	assert.deepEqual(plain(change), { env: { DEBUG: '1', SENTRY_DSN: 'https://k@o.ingest/1', EMPTY: '' }, unset: [] });
	assert.equal(describeChange(change), 'set DEBUG, SENTRY_DSN, EMPTY');
});

test('a row removed unsets its variable only, a renamed one is set and unset', () => {
	const removed = envChange(loaded, [['DATABASE_URL', 'postgresql://db/blog'], ['GREETING', 'hello']]);
	assert.deepEqual(plain(removed), { env: {}, unset: ['DEBUG'] });
	assert.equal(describeChange(removed), 'removed DEBUG');
	const renamed = envChange(loaded, [['DATABASE_URL', 'postgresql://db/blog'], ['DEBUG_SQL', '0'],
		['GREETING', 'hello']]);
	assert.deepEqual(plain(renamed), { env: { DEBUG_SQL: '0' }, unset: ['DEBUG'] });
	assert.equal(describeChange(renamed), 'set DEBUG_SQL; removed DEBUG');
});

test('a value emptied is a change, not a removal; of two rows of one name the later wins', () => {
	assert.deepEqual(plain(envChange(loaded, [...Object.entries(loaded), ['GREETING', '']])),
		{ env: { GREETING: '' }, unset: [] });
	assert.deepEqual(plain(envChange(loaded, [...Object.entries(loaded), ['DEBUG', '2'], ['DEBUG', '0']])),
		{ env: {}, unset: [] });
});

test('names the object prototype has are variables like any other', () => {
	const change = envChange({}, [['constructor', 'x'], ['__proto__', 'y']]);
	assert.deepEqual(Object.keys(change.env), ['constructor', '__proto__']);
	assert.equal(JSON.stringify(change.env), '{"constructor":"x","__proto__":"y"}');
	assert.ok(isEmpty(envChange({ constructor: 'x' }, [['constructor', 'x']])));
});
