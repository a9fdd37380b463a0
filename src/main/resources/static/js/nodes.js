// Nodes: nodes.list (state, agent, apps), nodes.add in two steps (the host key the
// host presents is shown for confirmation, then pinned), nodes.install with its
// progress (nodes.list's progress while the call runs), nodes.rekey for a node whose host
// now presents another key (shown with the pinned one for confirmation), nodes.remove.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formValues, stateBadge, confirmAction } from './ui.js';

const message = $('#nodes-message');
const FINGERPRINT = /presented (SHA256:[A-Za-z0-9+/]{43})/;
let pending = null;

function appsOf(node, apps) {
	const names = apps.filter((app) => app.node === node.name).map((app) => app.name + ' (' + (app.state || '?') + ')');
	return names.length ? names.join(', ') : '—';
}

async function load() {
	try {
		const [nodes, apps] = await Promise.all([rpc('nodes.list'), rpc('apps.list').catch(() => [])]);
		$('#nodes').replaceChildren(...(nodes.length ? nodes.map((node) => el('tr', { dataset: { node: node.name } },
			cell('Node', node.name),
			cell('Host', node.user + '@' + node.host + ':' + node.port),
			cell('State', stateBadge(node.state), node.reachable === false ? el('span', { class: 'hint',
				text: ' unreachable: ' + (node.last_error || '') }) : null),
			cell('Agent', node.agent ? (node.agent.version || '?') + ' (' + (node.agent.service || '') + ')' : '—'),
			cell('Apps', appsOf(node, apps)),
			cell('Host key', el('span', { class: 'fingerprint', text: node.host_key })),
			cell('Actions',
				el('button', { type: 'button', class: 'install', text: node.agent ? 'Upgrade agent' : 'Install agent',
					onclick: (event) => busy(event.currentTarget, () => install(node.name)) }),
				rekeyButton(node),
				el('button', { type: 'button', class: 'remove danger', text: 'Remove',
					'aria-label': 'Remove the node ' + node.name,
					onclick: (event) => busy(event.currentTarget, () => remove(node.name)) }))))
			: [emptyRow(7, 'No node yet.')]));
	} catch (error) {
		$('#nodes').replaceChildren(emptyRow(7, describe(error, 'Nodes')));
	}
}

// a node refused for presenting another host key than the pinned one: the key it
// presents now, from the health check's error
function rekeyButton(node) {
	const presented = node.reachable === false && /host key mismatch/.test(node.last_error || '')
		? FINGERPRINT.exec(node.last_error) : null;
	return presented ? el('button', { type: 'button', class: 'rekey', text: 'Pin the new host key',
		'aria-label': 'Pin the new host key of the node ' + node.name,
		onclick: (event) => busy(event.currentTarget, () => rekey(node, presented[1])) }) : null;
}

async function rekey(node, presented) {
	if (!await confirmAction({ title: 'Pin the new host key of ' + node.name + '?',
		message: node.host + ' now presents the host key ' + presented + ' instead of the pinned '
			+ node.host_key + '. Pin it only if the host\'s key really changed: compare it with '
			+ 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host. Nothing on the node changes.',
		confirm: 'Pin ' + presented })) {
		return;
	}
	try {
		await rpc('nodes.rekey', { name: node.name, host_key: presented });
		say(message, 'Node ' + node.name + ': the host key ' + presented + ' is pinned.', 'ok');
	} catch (error) {
		say(message, describe(error, 'The host key was not pinned'), 'error');
	}
	await load();
}

async function install(name) {
	const box = $('#install-progress');
	const step = $('#install-step');
	const log = $('#install-log');
	box.hidden = false;
	log.hidden = true;
	step.textContent = 'Starting the install on ' + name + '…';
	// a poll that answers after the install call must not replace its outcome
	let finished = false;
	const poll = setInterval(async () => {
		try {
			const node = (await rpc('nodes.list')).find((candidate) => candidate.name === name);
			if (!finished && node && node.progress) {
				step.textContent = node.progress.step + ': ' + node.progress.message;
			}
		} catch (error) {
			// the next poll tries again; the install call reports the outcome
		}
	}, 1000);
	try {
		const options = { name };
		if ($('#install-home').value.trim()) {
			options.home = $('#install-home').value.trim();
		}
		if ($('#install-port').value) {
			options.agent_port = Number($('#install-port').value);
		}
		if ($('#install-webserver').value) {
			options.webserver = $('#install-webserver').value;
		}
		if ($('#install-packages').checked) {
			options.allow_packages = true;
		}
		const node = await rpc('nodes.install', options);
		step.textContent = 'Installed: the agent ' + (node.agent?.version || '') + ' runs on ' + name + '.';
		step.className = 'message ok';
	} catch (error) {
		step.textContent = describe(error, 'The install failed');
		step.className = 'message error';
		if (error.log) {
			log.textContent = error.log;
			log.hidden = false;
		}
	} finally {
		finished = true;
		clearInterval(poll);
		await load();
	}
}

async function remove(name) {
	if (!await confirmAction({ title: 'Remove the node ' + name + '?',
		message: 'Its apps, its web server and its agent are stopped and the agent is uninstalled, then this server '
			+ 'forgets it. The apps\' files and data stay on the host.',
		confirm: 'Remove ' + name })) {
		return;
	}
	try {
		const removed = await rpc('nodes.remove', { name });
		// a node that could not be reached is forgotten all the same: say what it left
		say(message, 'Node ' + name + ' removed.' + (removed?.warning ? ' Warning: ' + removed.warning : ''),
			removed?.warning ? 'error' : 'ok');
	} catch (error) {
		say(message, describe(error, 'The node was not removed'), 'error');
	}
	await load();
}

function request(form) {
	const values = formValues(form);
	const params = { name: values.name || '', host: values.host || '' };
	if (values.port) {
		params.port = Number(values.port);
	}
	for (const key of ['user', 'key_path', 'private_key']) {
		if (values[key]) {
			params[key] = values[key];
		}
	}
	return params;
}

async function add(form, hostKey) {
	clearErrors(form);
	try {
		await rpc('nodes.add', { ...pending, ...(hostKey ? { host_key: hostKey } : {}) });
		$('#host-key').hidden = true;
		say(message, 'Node ' + pending.name + ' added with the host key ' + (hostKey || '') + '.', 'ok');
		form.reset();
		pending = null;
		await load();
	} catch (error) {
		const presented = FINGERPRINT.exec(error.message || '');
		if (!hostKey && presented) {
			// the first contact: show the key and let the operator decide
			$('#host-key-fingerprint').textContent = presented[1];
			$('#host-key').hidden = false;
			$('#host-key-trust').focus();
			return;
		}
		showErrors(form, error, describe(error, 'The node was not added'));
	}
}

$('#node-form').addEventListener('submit', (event) => {
	event.preventDefault();
	pending = request(event.target);
	busy($('#node-check'), () => add(event.target, null));
});
$('#host-key-trust').addEventListener('click', (event) => busy(event.currentTarget,
	() => add($('#node-form'), $('#host-key-fingerprint').textContent)));
$('#host-key-cancel').addEventListener('click', () => {
	$('#host-key').hidden = true;
	pending = null;
});

load();
