// Virtual servers and mounts: staged changes, what is pending against what runs (with a
// diff of the configuration file), and one tested apply.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formValues, fillSelect, timeElement, relativeTime,
	confirmAction } from './ui.js';

const message = $('#servers-message');
const applyMessage = $('#apply-message');

function hostnames(server) {
	const names = server.hostnames ?? server.host_names ?? [];
	return Array.isArray(names) ? names.join(', ') : String(names);
}

/** A new result replaces the old one: no success banner stays beside a newer failure. */
function clearResults() {
	say(message, '');
	say(applyMessage, '');
	$('#apply-log').hidden = true;
}

function removeButton(label, question, consequence, action) {
	return el('button', { type: 'button', class: 'small secondary-danger', text: 'Remove', 'data-needs': 'deployer', 'aria-label': label,
		onclick: async (event) => {
			const button = event.currentTarget;
			if (!await confirmAction({ title: question, message: consequence, confirm: 'Remove' })) {
				return;
			}
			await busy(button, async () => {
				clearResults();
				try {
					await action();
					say(message, 'Removed (staged). Apply to make it live.', 'ok');
				} catch (error) {
					say(message, describe(error, 'Not removed'), 'error');
				}
				await load();
			});
		} });
}

function diffLines(diff) {
	return diff.split('\n').map((line) => el('span', { class: line.startsWith('+') && !line.startsWith('+++') ? 'add'
		: line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : null, text: line + '\n' }));
}

async function loadStatus() {
	let status;
	try {
		status = await rpc('webserver.status');
	} catch (error) {
		$('#webserver-facts').replaceChildren(el('dt', { text: 'State' }), el('dd', { text: describe(error, 'Unknown') }));
		return;
	}
	const facts = [
		['Web server', status.kind + (status.managed ? ' (managed by this server on 127.0.0.1)' : ' (the system\'s own; this server writes its include file)')],
		['State', el('span', {}, el('span', { class: 'badge state-' + (status.state === 'running' ? 'running' : status.state === 'failed' ? 'failed' : 'stopped'),
			id: 'webserver-state', text: status.state }), status.message ? ' ' + status.message : '')],
		['PID', status.pid ? String(status.pid) : '—'],
		['Last applied', status.applied ? el('span', {}, timeElement(status.applied), ' (' + relativeTime(status.applied) + ')') : 'never'],
		['Configuration file', el('code', { text: status.config })],
	];
	$('#webserver-facts').replaceChildren(...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', {}, value)]));
	$('#pending-badge').hidden = !status.pending;
	$('#pending').hidden = !status.pending;
	$('#no-pending').hidden = status.pending;
	$('#pending-changes').replaceChildren(...(status.changes.length ? status.changes.map((change) => el('li', { text: change }))
		: [el('li', { text: 'the configuration file differs from what the staged state renders (a release changed)' })]));
	$('#pending-diff').replaceChildren(...diffLines(status.diff || ''));
}

async function load() {
	const [servers, mounts, apps] = await Promise.all([
		rpc('servers.list').catch((error) => error),
		rpc('mounts.list').catch((error) => error),
		rpc('apps.list').catch(() => []),
	]);
	if (servers instanceof Error) {
		$('#servers').replaceChildren(emptyRow(5, describe(servers, 'Virtual servers')));
	} else {
		$('#servers').replaceChildren(...(servers.length ? servers.map((server) => el('tr', { dataset: { server: server.name } },
			cell('Name', server.name),
			cell('Host names', hostnames(server) || '—'),
			cell('Listen', el('code', { text: server.listen || '—' })),
			cell('TLS', server.tls ? 'yes' : 'no'),
			cell('Actions', removeButton('Remove the server ' + server.name, 'Remove the virtual server ' + server.name + '?',
				'Once applied, nothing answers on ' + server.listen + ' for ' + (hostnames(server) || 'its host names') + '.',
				() => rpc('servers.remove', { name: server.name })))))
			: [emptyRow(5, 'No virtual server yet.')]));
		const select = $('#mount-server');
		fillSelect(select, servers.map((server) => server.name));
		// one server: nothing to choose
		if (!select.value && servers.length === 1) {
			select.value = servers[0].name;
		}
	}
	if (mounts instanceof Error) {
		$('#mounts').replaceChildren(emptyRow(4, describe(mounts, 'Mounts')));
	} else {
		$('#mounts').replaceChildren(...(mounts.length ? mounts.map((mount) => el('tr', { dataset: { mount: mount.server + mount.path } },
			cell('Server', mount.server),
			cell('Path', el('code', { text: mount.path })),
			cell('App', mount.app || (mount.folder ? 'folder ' + mount.folder : '—')),
			cell('Actions', removeButton('Remove the mount ' + mount.server + mount.path, 'Remove the mount ' + mount.path + ' of ' + mount.server + '?',
				'Once applied, ' + mount.path + ' no longer reaches ' + (mount.app ? mount.app + ' (the app keeps running).'
					: 'the folder ' + mount.folder + ' (its files stay).'),
				() => rpc('mounts.remove', { server: mount.server, path: mount.path })))))
			: [emptyRow(4, 'No mount yet.')]));
	}
	fillSelect($('#mount-app'), apps.map((app) => app.name));
	await loadStatus();
}

$('#server-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	clearResults();
	const values = formValues(form);
	const params = {
		name: values.name || '',
		hostnames: (values.hostnames || '').split(',').map((host) => host.trim()).filter((host) => host),
		listen: values.listen || '',
	};
	if (values.cert || values.key) {
		params.tls = { cert: values.cert || '', key: values.key || '' };
	}
	try {
		await rpc('servers.add', params);
		form.reset();
		form.closest('details').open = false;
		say(message, 'Server ' + params.name + ' added (staged). Apply to make it live.', 'ok');
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The server was not added'));
	}
});

// a path follows the chosen app until the operator types one
$('#mount-app').addEventListener('change', () => {
	const path = $('#mount-path');
	if (!path.value || path.dataset.suggested === path.value) {
		path.value = $('#mount-app').value ? '/' + $('#mount-app').value : '';
		path.dataset.suggested = path.value;
	}
});

$('#mount-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	clearResults();
	const values = formValues(form);
	const missing = [];
	if (!values.server) {
		missing.push({ path: 'server', message: 'choose a virtual server (add one above first if there is none)' });
	}
	if (!values.app && !values.folder) {
		missing.push({ path: 'app', message: 'choose the app to mount, or give a static folder' });
	} else if (values.app && values.folder) {
		missing.push({ path: 'folder', message: 'give either an app or a static folder, not both' });
	}
	if (!values.path) {
		missing.push({ path: 'path', message: 'give the path, for example /' + (values.app || 'guestbook') });
	}
	if (missing.length) {
		showErrors(form, { errors: missing });
		return;
	}
	// an app, or a folder for the built-in static app (README: mounts.add accepts folder)
	const target = values.app ? { app: values.app } : { folder: values.folder };
	try {
		await rpc('mounts.add', { server: values.server, path: values.path, ...target });
		say(message, (values.app || 'the folder ' + values.folder) + ' mounted at ' + values.server + ' ' + values.path
			+ ' (staged). Apply to make it live.', 'ok');
		$('#mount-path').value = '';
		$('#mount-folder').value = '';
		form.closest('details').open = false;
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The mount was not added'));
	}
});

$('#apply').addEventListener('click', (event) => busy(event.currentTarget, async () => {
	clearResults();
	say(applyMessage, 'Testing and applying…');
	try {
		const status = await rpc('webserver.apply');
		say(applyMessage, 'Applied: ' + status.kind + ' runs the new configuration' + (status.pid ? ' (pid ' + status.pid + ')' : '') + '.', 'ok');
	} catch (error) {
		say(applyMessage, describe(error, 'Not applied; the running configuration is unchanged'), 'error');
		if (error.log) {
			$('#apply-log').textContent = error.log;
			$('#apply-log').hidden = false;
		}
	}
	await loadStatus();
}));

$('#rendered').addEventListener('toggle', async (event) => {
	if (!event.target.open) {
		return;
	}
	const pre = $('#rendered-config');
	pre.textContent = 'Rendering…';
	try {
		const reply = await rpc('webserver.render', {});
		pre.textContent = typeof reply === 'string' ? reply : reply.config ?? reply.text ?? JSON.stringify(reply, null, 2);
	} catch (error) {
		pre.textContent = describe(error, 'Cannot render');
	}
});

load();
setInterval(loadStatus, 10000);
