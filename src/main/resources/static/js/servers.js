// Virtual servers and mounts: staged changes, then a tested apply.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formValues, fillSelect } from './ui.js';

const message = $('#servers-message');

function hostnames(server) {
	const names = server.hostnames ?? server.host_names ?? [];
	return Array.isArray(names) ? names.join(', ') : String(names);
}

function removeButton(label, action) {
	return el('button', { type: 'button', text: 'Remove', 'data-needs': 'deployer', 'aria-label': label,
		onclick: (event) => busy(event.currentTarget, async () => {
			try {
				await action();
				say(message, 'Removed. Apply to make it live.', 'ok');
			} catch (error) {
				say(message, describe(error, 'Not removed'), 'error');
			}
			await load();
		}) });
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
			cell('Actions', removeButton('Remove the server ' + server.name,
				() => rpc('servers.remove', { name: server.name })))))
			: [emptyRow(5, 'No virtual server yet.')]));
		fillSelect($('#mount-server'), servers.map((server) => server.name), false);
	}
	if (mounts instanceof Error) {
		$('#mounts').replaceChildren(emptyRow(4, describe(mounts, 'Mounts')));
	} else {
		$('#mounts').replaceChildren(...(mounts.length ? mounts.map((mount) => el('tr', {},
			cell('Server', mount.server),
			cell('Path', el('code', { text: mount.path })),
			cell('App', mount.app || (mount.folder ? 'folder ' + mount.folder : '—')),
			cell('Actions', removeButton('Remove the mount ' + mount.server + mount.path,
				() => rpc('mounts.remove', { server: mount.server, path: mount.path })))))
			: [emptyRow(4, 'No mount yet.')]));
	}
	fillSelect($('#mount-app'), apps.map((app) => app.name), false);
}

$('#server-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
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
		say(message, 'Server ' + params.name + ' added. Apply to make it live.', 'ok');
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The server was not added'));
	}
});

$('#mount-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	const values = formValues(form);
	try {
		await rpc('mounts.add', { server: values.server || '', path: values.path || '', app: values.app || '' });
		say(message, values.app + ' mounted at ' + values.server + values.path + '. Apply to make it live.', 'ok');
		$('#mount-path').value = '';
		form.closest('details').open = false;
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The mount was not added'));
	}
});

$('#apply').addEventListener('click', (event) => busy(event.currentTarget, async () => {
	const log = $('#apply-log');
	log.hidden = true;
	say($('#apply-message'), 'Testing and applying…');
	try {
		await rpc('webserver.apply');
		say($('#apply-message'), 'Applied: the web server runs the new configuration.', 'ok');
	} catch (error) {
		say($('#apply-message'), describe(error, 'Not applied; the running configuration is unchanged'), 'error');
		if (error.log) {
			log.textContent = error.log;
			log.hidden = false;
		}
	}
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
