// A node whose host now presents another host key is refused by the manager (the health
// check's last_error says "host key mismatch" with both keys): the page offers to pin the
// key it presents, after the operator confirmed both fingerprints, with nodes.rekey.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { installPage, loadScript, removeScripts, until } from './fake-page.mjs';

after(removeScripts);

const OLD = 'SHA256:' + 'a'.repeat(43);
const NEW = 'SHA256:' + 'b'.repeat(43);

test('a node refused for its changed host key gets the key it presents pinned once confirmed', async () => {
	const rekeys = [];
	let refused = true;
	const page = installPage({
		'nodes.list': () => [
			{ name: 'n1', host: '192.0.2.10', port: 22, user: 'root', host_key: refused ? OLD : NEW, state: 'installed',
				reachable: !refused, last_error: refused ? 'host key mismatch: root@192.0.2.10:22 presented ' + NEW
					+ ', but the pinned host key is ' + OLD + '; refusing to connect' : null },
			{ name: 'n2', host: '192.0.2.11', port: 22, user: 'root', host_key: OLD, state: 'installed',
				reachable: false, last_error: 'cannot connect to root@192.0.2.11:22: Connection refused' },
		],
		'apps.list': () => [],
		'nodes.rekey': (params) => {
			rekeys.push(params);
			refused = false;
			return { name: 'n1', host_key: NEW };
		},
	});
	const asked = [];
	globalThis.window.confirm = (text) => {
		asked.push(text);
		return true;
	};
	await loadScript('nodes.js');
	const rows = () => page.byId('nodes').querySelectorAll('tr[data-node]');
	await until(() => rows().length === 2, 'the two nodes');
	const rekeyOf = (row) => row.children[6].children.find((child) => child.getAttribute('class') === 'rekey');
	assert.equal(rekeyOf(rows()[1]), undefined, 'a node that is only down has nothing to re-pin');

	const button = rekeyOf(rows()[0]);
	assert.equal(button.textContent, 'Pin the new host key');
	button.dispatch('click', { currentTarget: button });
	await until(() => rekeys.length === 1, 'the nodes.rekey call');

	assert.deepEqual(rekeys[0], { name: 'n1', host_key: NEW });
	assert.match(asked[0], new RegExp('presents the host key ' + NEW.replace('+', '\\+') + ' instead of the pinned '
		+ OLD));
	await until(() => page.byId('nodes-message').classList.contains('ok'), 'the outcome on the page');
	await until(() => rekeyOf(rows()[0]) === undefined, 'the button gone once the node answers');
});
