// One app: status, process, releases (rollback), environment, tasks, hooks, removal.
import { rpc, describe } from './rpc.js';
import { $, $$, el, say, cell, emptyRow, stateBadge, formatTime, mountText, busy, showErrors, clearErrors } from './ui.js';

const name = $('#app-page').dataset.app;
const message = $('#app-message');
let current = null;

function fact(term, ...value) {
	return [el('dt', { text: term }), el('dd', {}, ...value)];
}

function renderSummary(app) {
	const process = app.process || {};
	const mounts = Array.isArray(app.mounts) && app.mounts.length ? app.mounts.map(mountText).join(', ') : '—';
	const facts = [
		...fact('State', stateBadge(app.state)),
		...fact('Version', app.version || '—'),
		...fact('Source', typeof app.source === 'object' && app.source ? (app.source.kind || app.source.type || '')
			+ ' ' + (app.source.url || app.source.location || '') : String(app.source || '—')),
		...fact('Mounts', mounts),
		...fact('Process', process.state || '—'),
		...fact('PID', process.pid ? String(process.pid) : '—'),
		...fact('Restarts', process.restarts !== undefined ? String(process.restarts)
			: process.restart_count !== undefined ? String(process.restart_count) : '—'),
	];
	if (app.progress) {
		facts.push(...fact('Progress', app.progress.step + ': ' + app.progress.message));
	}
	const lastError = app.last_error || process.last_error || (process.state === 'failed' ? process.reason : null);
	if (lastError) {
		facts.push(...fact('Last error', typeof lastError === 'object' ? lastError.message || JSON.stringify(lastError)
			: String(lastError)));
	}
	if (app.config && typeof app.config === 'object') {
		facts.push(...fact('Configuration', app.config.complete === false || app.config.status === 'incomplete'
			? 'needs values' : app.config.status || 'complete'));
	}
	$('#app-summary').replaceChildren(...facts);
}

function renderReleases(app) {
	const releases = app.releases || [];
	const live = app.current_release || app.release || releases.find((release) => release.state === 'live')?.id;
	$('#releases').replaceChildren(...(releases.length ? releases.map((release) => {
		const isLive = live ? release.id === live : release.state === 'live' || release.state === 'current';
		const action = isLive ? el('span', { class: 'badge state-running', text: 'live' })
			: el('button', { type: 'button', class: 'rollback', 'data-needs': 'deployer', dataset: { release: release.id },
				'aria-label': 'Roll back to ' + release.id, text: 'Roll back',
				onclick: (event) => rollback(event.currentTarget, release.id) });
		return el('tr', { dataset: { release: release.id } },
			cell('Release', el('code', { text: release.id })),
			cell('Version', release.version || '—'),
			cell('Created', formatTime(release.created)),
			cell('State', release.state || '—', release.message ? el('div', { class: 'help', text: release.message }) : null),
			cell('Actions', action));
	}) : [emptyRow(5, 'No releases.')]));
}

function envRow(key = '', value = '') {
	const index = $$('.env-row').length;
	return el('div', { class: 'env-row' },
		el('label', { for: 'env-key-' + index, class: 'sr-only', text: 'Name' }),
		el('input', { id: 'env-key-' + index, class: 'env-key', type: 'text', value: key, placeholder: 'NAME',
			autocomplete: 'off', spellcheck: 'false' }),
		el('label', { for: 'env-value-' + index, class: 'sr-only', text: 'Value' }),
		el('input', { id: 'env-value-' + index, class: 'env-value', type: 'text', value, placeholder: 'value',
			autocomplete: 'off', spellcheck: 'false' }),
		el('button', { type: 'button', 'aria-label': 'Remove ' + (key || 'this variable'), text: '✕',
			onclick: (event) => event.currentTarget.closest('.env-row').remove() }));
}

function renderEnv(app) {
	const env = app.env || {};
	$('#env-rows').replaceChildren(...Object.entries(env).map(([key, value]) => envRow(key, value)));
}

async function load() {
	try {
		current = await rpc('apps.get', { name });
		renderSummary(current);
		renderReleases(current);
		if (!document.activeElement || !document.activeElement.closest('#env-form')) {
			renderEnv(current);
		}
	} catch (error) {
		say(message, describe(error, 'Cannot load ' + name), 'error');
	}
}

async function rollback(button, release) {
	await busy(button, async () => {
		say(message, 'Rolling back to ' + release + '…');
		try {
			current = await rpc('apps.rollback', { name, release });
			say(message, 'Rolled back: ' + name + ' now runs ' + (current.version || release) + '.', 'ok');
			await load();
		} catch (error) {
			say(message, describe(error, 'The rollback failed') + (error.log ? '\n' + error.log : ''), 'error');
		}
	});
}

for (const button of $$('[data-action]')) {
	button.addEventListener('click', () => busy(button, async () => {
		const verb = button.dataset.action.split('.')[1];
		try {
			await rpc(button.dataset.action, { name });
			say(message, name + ': ' + verb + ' done.', 'ok');
		} catch (error) {
			say(message, describe(error, 'Cannot ' + verb + ' ' + name) + (error.log ? '\n' + error.log : ''), 'error');
		}
		await load();
	}));
}

$('#env-add').addEventListener('click', () => {
	const row = envRow();
	$('#env-rows').append(row);
	$('.env-key', row).focus();
});

$('#env-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	say($('#env-saved'), '');
	const env = {};
	for (const row of $$('.env-row', form)) {
		const key = $('.env-key', row).value.trim();
		if (key) {
			env[key] = $('.env-value', row).value;
		}
	}
	try {
		await rpc('apps.env.set', { name, env });
		say($('#env-saved'), 'Saved. The app uses the new environment from its next start.', 'ok');
	} catch (error) {
		showErrors(form, error, describe(error, 'The environment was not saved'));
	}
});

async function loadTasks() {
	try {
		const tasks = await rpc('tasks.list', { name });
		$('#tasks').replaceChildren(...(tasks.length ? tasks.map((task) => {
			const last = task.last_run || task.lastRun || {};
			return el('tr', {},
				cell('Task', task.name),
				cell('Schedule', el('code', { text: task.schedule || '—' })),
				cell('Last run', formatTime(last.started || last.time || last.finished)),
				cell('Outcome', last.outcome || '—'),
				cell('Actions', el('button', { type: 'button', text: 'Run now', 'data-needs': 'deployer', 'aria-label': 'Run ' + task.name + ' now',
					onclick: (event) => busy(event.currentTarget, async () => {
						try {
							await rpc('tasks.run', { name, task: task.name });
							say($('#tasks-message'), task.name + ' ran.', 'ok');
						} catch (error) {
							say($('#tasks-message'), describe(error, task.name + ' failed'), 'error');
						}
						await loadTasks();
					}) })));
		}) : [emptyRow(5, 'This app has no tasks.')]));
	} catch (error) {
		$('#tasks').replaceChildren(emptyRow(5, describe(error, 'Tasks')));
	}
}

async function loadHooks() {
	try {
		const hooks = await rpc('hooks.list', { name });
		$('#hooks').replaceChildren(...(hooks.length ? hooks.map((hook) => el('li', {},
			el('span', { class: 'badge', text: hook.provider || 'hook' }), ' ',
			el('code', { class: 'hook-url', text: hook.url || hook.id }), ' ',
			el('button', { type: 'button', text: 'Remove', 'data-needs': 'deployer', 'aria-label': 'Remove the ' + (hook.provider || '') + ' hook',
				onclick: (event) => busy(event.currentTarget, async () => {
					try {
						await rpc('hooks.remove', { id: hook.id });
						await loadHooks();
					} catch (error) {
						say($('#hooks-message'), describe(error, 'The hook was not removed'), 'error');
					}
				}) })))
			: [el('li', { text: 'No post-commit hook.' })]));
	} catch (error) {
		$('#hooks').replaceChildren(el('li', { text: describe(error, 'Hooks') }));
	}
}

$('#hook-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	try {
		const hook = await rpc('hooks.create', { name, provider: $('#hook-provider').value });
		const box = $('#hook-created');
		box.replaceChildren(
			el('p', { text: 'Configure this in your git host. The secret is shown only now.' }),
			el('p', {}, 'URL: ', el('code', { class: 'hook-url', text: hook.url })),
			el('p', {}, 'Secret: ', el('code', { class: 'hook-secret', text: hook.secret })));
		box.hidden = false;
		await loadHooks();
	} catch (error) {
		showErrors(form, error, describe(error, 'The hook was not created'));
	}
});

$('#remove-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	if ($('#remove-confirm').value.trim() !== name) {
		showErrors(form, null, 'Type the app name, ' + name + ', to confirm.');
		return;
	}
	try {
		await rpc('apps.remove', { name, keep_data: $('#remove-keep-data').checked });
		window.location.assign('/apps');
	} catch (error) {
		showErrors(form, error, describe(error, 'The app was not removed'));
	}
});

load();
loadTasks();
loadHooks();
setInterval(load, 5000);

// charts of apps.metrics (uPlot); reloaded every minute and when the range changes
import('./charts.js').then(({ drawAppCharts }) => {
	const card = document.querySelector('#metrics');
	const range = document.querySelector('#metrics-range');
	const note = document.querySelector('#metrics-message');
	const name = document.querySelector('#app-page').dataset.app;
	async function loadMetrics() {
		try {
			drawAppCharts(card, await rpc('apps.metrics', { name, since: range.value }));
			note.hidden = true;
		} catch (error) {
			note.textContent = 'Metrics: ' + (error.message || String(error));
			note.hidden = false;
		}
	}
	range.addEventListener('change', loadMetrics);
	loadMetrics();
	setInterval(loadMetrics, 60000);
});
