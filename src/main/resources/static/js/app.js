// One app: why its last deploy failed, status with health, live URLs and the last error,
// releases (rollback, deploy log), environment, tasks with their history, hooks, removal.
import { rpc, describe } from './rpc.js';
import { $, $$, el, say, cell, emptyRow, stateBadge, healthBadge, timeElement, relativeTime, urlLinks, copyButton,
	confirmAction, deployLogHref, logsHref, busy, showErrors, clearErrors } from './ui.js';
import { envChange, isEmpty, describeChange } from './env.js';
import { watchDeploy } from './deploy-watch.js';
import { appTarget } from './app-target.js';

// an app of this server, or of a node: then every call names the node (app-target.js)
const target = appTarget($('#app-page'));
const { name, node } = target;
const message = $('#app-message');
let current = null;

/** One call of this page: to the app's node when it is on one. */
function call(method, params, options) {
	return rpc(method, target.params(params), options);
}

function fact(term, ...value) {
	return [el('dt', { text: term }), el('dd', {}, ...value)];
}

function liveRelease(app) {
	return (app.releases || []).find((release) => release.id === app.release) || null;
}

function sourceFacts(app) {
	const source = app.source || {};
	if (source.kind !== 'git') {
		return fact('Source', 'uploaded archive');
	}
	const live = liveRelease(app);
	const strategy = source.strategy === 'one-branch' ? 'one branch: ' + (source.branch || 'main')
		: source.strategy === 'latest-tag' ? 'latest tag matching ' + (source.tag_pattern || '*')
			: 'always the latest commit of the default branch';
	const git = app.git || {};
	const facts = [...fact('Source', el('code', { text: source.url || '' })),
		...fact('Follows', strategy + (source.strategy === 'latest-tag' && git.prereleases ? ', pre-releases included' : ''))];
	facts.push(...fact('Checked', git.poll_interval ? 'every ' + git.poll_interval : 'on a post-commit hook or Update',
		git.last_checked ? ['; last ', timeElement(git.last_checked), ' (', relativeTime(git.last_checked), ')'] : []));
	if (git.last_event) {
		facts.push(...fact('Last event', git.last_event));
	}
	facts.push(...fact('Live commit', live && live.commit ? el('code', { class: 'commit', title: live.commit,
		text: live.commit.slice(0, 12) }) : '—'));
	if (app.update_available) {
		facts.push(...fact('Update available', el('code', { text: String(app.update_available.commit).slice(0, 12) }),
			' (' + (app.update_available.ref || '') + ')'));
	}
	return facts;
}

function lastErrorFact(app) {
	const error = app.last_error;
	if (!error) {
		const ack = app.errors_acknowledged;
		return fact('Last error', ack ? 'none since acknowledged ' + relativeTime(ack.time) : 'none');
	}
	return fact('Last error', el('span', { class: 'last-error' }, timeElement(error.time), ' (', relativeTime(error.time),
		') ', el('span', { id: 'last-error-message', text: error.message })), ' ',
	el('button', { type: 'button', class: 'small', id: 'acknowledge', 'data-needs': 'deployer', text: 'Acknowledge',
		onclick: (event) => busy(event.currentTarget, async () => {
			try {
				await call('apps.errors.acknowledge', { name });
				say(message, 'Errors of ' + name + ' acknowledged: a new one shows again.', 'ok');
			} catch (error) {
				say(message, describe(error, 'Not acknowledged'), 'error');
			}
			await load();
		}) }),
	el('a', { href: logsHref({ app: name, level: 'ERROR' }, target.node), class: 'small-link', text: ' Errors in the log' }));
}

function renderSummary(app) {
	const process = app.process || {};
	const health = app.health || {};
	const facts = [
		...fact('State', stateBadge(app.state)),
		...fact('Health', healthBadge(health), ' ', el('span', { class: 'help-inline', text: health.message || '' }),
			health.checked ? el('span', { class: 'help-inline' }, ' — checked ', relativeTime(health.checked)) : null),
		...fact('URL', urlLinks(app.urls)),
		...fact('Version', app.version || '—'),
		...sourceFacts(app),
		...fact('Process', (process.state || '—') + (process.pid ? ', pid ' + process.pid : '')
			+ (process.restarts ? ', ' + process.restarts + ' restarts after a crash' : '')),
	];
	if (app.progress) {
		facts.push(...fact('Progress', app.progress.step + ': ' + app.progress.message));
	}
	if (process.state === 'failed' && process.reason) {
		facts.push(...fact('Why it stopped', process.reason));
	}
	facts.push(...lastErrorFact(app));
	if (app.config && typeof app.config === 'object') {
		facts.push(...fact('Configuration', app.config.complete === false ? 'needs values: '
			+ (app.config.missing || []).join(', ') : 'complete'));
	}
	const summary = $('#app-summary');
	const focusedId = summary.contains(document.activeElement) ? document.activeElement.id : null;
	summary.replaceChildren(...facts);
	if (focusedId && document.getElementById(focusedId)) {
		document.getElementById(focusedId).focus();
	}
	// only the actions that can work in this state
	const state = app.state;
	// an app whose first install was interrupted has no release to start
	const startable = app.release != null;
	const show = {
		'apps.start': startable && ['stopped', 'failed'].includes(state),
		'apps.stop': ['running', 'starting'].includes(state),
		'apps.restart': startable && ['running', 'starting', 'failed'].includes(state),
		'apps.update': app.source && app.source.kind === 'git' && !['installing', 'upgrading'].includes(state),
	};
	for (const button of $$('#app-actions [data-action]')) {
		button.hidden = !show[button.dataset.action];
	}
}

function renderFailure(app) {
	const box = $('#deploy-failure');
	const deploy = app.last_deploy;
	if (!deploy || deploy.state !== 'failed') {
		box.hidden = true;
		return;
	}
	const live = liveRelease(app);
	$('#deploy-failure-title').textContent = 'The deploy of ' + deploy.version + ' failed';
	$('#deploy-failure-message').textContent = deploy.message || 'It failed; its deploy log says why.';
	const cause = deploy.cause;
	$('#deploy-failure-cause').hidden = !cause;
	$('#deploy-failure-excerpt').hidden = !cause;
	if (cause) {
		$('#deploy-failure-cause').replaceChildren('Cause: ', el('strong', { text: cause.summary }));
		$('#deploy-failure-excerpt').textContent = cause.excerpt;
	}
	$('#deploy-failure-live').textContent = live ? live.version + ' is still live.' : 'No release is live.';
	$('#deploy-failure-log').href = deployLogHref(name, deploy.release, target.node);
	box.hidden = false;
}

function renderReleases(app) {
	const releases = app.releases || [];
	const live = app.release;
	$('#releases').replaceChildren(...(releases.length ? releases.map((release) => {
		const isLive = release.id === live;
		const actions = [];
		if (isLive) {
			actions.push(el('span', { class: 'badge state-running', text: 'live' }));
		} else if (release.state !== 'failed' && release.state !== 'prepared') {
			// a failed release never went live: the server refuses to roll back to it
			actions.push(el('button', { type: 'button', class: 'rollback small', 'data-needs': 'deployer', dataset: { release: release.id },
				'aria-label': 'Roll back to ' + release.id, text: 'Roll back',
				onclick: (event) => rollback(event.currentTarget, release) }));
		}
		actions.push(el('a', { href: deployLogHref(name, release.id, target.node), class: 'deploy-log', text: 'Deploy log',
			'aria-label': 'Deploy log of ' + release.id }));
		return el('tr', { dataset: { release: release.id }, class: release.state === 'failed' ? 'failed-row' : null },
			cell('Release', el('code', { text: release.id })),
			cell('Version', release.version || '—'),
			cell('Commit', release.commit ? el('code', { title: release.commit, text: release.commit.slice(0, 12) }) : '—'),
			cell('Created', timeElement(release.created)),
			cell('State', el('span', { class: release.state === 'failed' ? 'error-text' : null, text: release.state || '—' }),
				release.message ? el('div', { class: 'help', text: release.message }) : null),
			cell('Actions', el('span', { class: 'row-actions' }, ...actions)));
	}) : [emptyRow(6, 'No releases.')]));
}

// unique ids for the rows' labels (the rows of one drawing are made before any is on the page)
let envRowCount = 0;

function envRow(key = '', value = '') {
	const index = envRowCount++;
	return el('div', { class: 'env-row' },
		el('label', { for: 'env-key-' + index, class: 'sr-only', text: 'Name' }),
		el('input', { id: 'env-key-' + index, class: 'env-key', type: 'text', value: key, placeholder: 'NAME',
			autocomplete: 'off', spellcheck: 'false' }),
		el('label', { for: 'env-value-' + index, class: 'sr-only', text: 'Value' }),
		el('input', { id: 'env-value-' + index, class: 'env-value', type: 'text', value, placeholder: 'value',
			autocomplete: 'off', spellcheck: 'false' }),
		el('button', { type: 'button', class: 'small', 'aria-label': 'Remove ' + (key || 'this variable'), text: '✕',
			onclick: (event) => event.currentTarget.closest('.env-row').remove() }));
}

// the server's variables as last drawn into the form (JSON), and the variables the form
// was filled with: a save sends only the change from these (env.js)
let renderedEnv = null;
let loadedEnv = {};

function envRows() {
	return $$('.env-row', $('#env-form')).map((row) => [$('.env-key', row).value.trim(), $('.env-value', row).value]);
}

// a row added, removed or edited and not saved yet
function envEdited() {
	const rows = envRows();
	return rows.length !== Object.keys(loadedEnv).length || !isEmpty(envChange(loadedEnv, rows));
}

function renderEnv(app) {
	const env = app.env || {};
	loadedEnv = env;
	renderedEnv = JSON.stringify(env);
	$('#env-rows').replaceChildren(...Object.entries(env).map(([key, value]) => envRow(key, value)));
	// a viewer's apps.get has every value as '***': the names only, read-only
	const names = Object.keys(env).sort();
	$('#env-names').textContent = names.length
		? names.join(', ') + ' (values are shown to deployers and admins only)'
		: 'No environment variables.';
}

// the scale as last drawn: the form is filled again only when it changes
let renderedScale = null;

/** apps.get's scale: what the daemon runs with, and the form that changes it (apps.scale). */
function renderScale(app) {
	const scale = app.scale;
	$('#scale-card').hidden = !scale;
	if (!scale || JSON.stringify(scale) === renderedScale) {
		return;
	}
	renderedScale = JSON.stringify(scale);
	const threading = scale.method !== 'processes';
	$('#scale-now').textContent = scale.workers + (scale.workers === 1 ? ' worker process' : ' worker processes')
		+ (threading ? ' × ' + scale.threads + (scale.threads === 1 ? ' thread' : ' threads') : ' (one thread each)')
		+ (scale.source === 'operator' ? ', scaled by an operator (the app asks for other counts)'
			: ', as the app\'s metadata.yaml asks');
	$('#scale-threads-field').hidden = !threading;
	$('#scale-reset').hidden = scale.source !== 'operator';
	if (!$('#scale-form').contains(document.activeElement)) {
		$('#scale-workers').value = scale.workers;
		$('#scale-threads').value = scale.threads;
	}
}

/** Sends apps.scale and says what runs now; a running daemon restarts gracefully first. */
async function scaleTo(params, form) {
	clearErrors(form);
	try {
		const result = await call('apps.scale', { name, ...params });
		const scale = result.scale;
		say($('#scale-message'), 'Now ' + scale.workers + ' × ' + scale.threads + ' ('
			+ (result.process && result.process.state === 'running' ? 'restarted gracefully' : 'from its next start')
			+ ').', 'ok');
		renderedScale = null;
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'Not scaled'));
	}
}

$('#scale-form').addEventListener('submit', (event) => {
	event.preventDefault();
	const form = event.target;
	const params = { workers: Number($('#scale-workers').value) };
	if (!$('#scale-threads-field').hidden) {
		params.threads = Number($('#scale-threads').value);
	}
	return busy(form.querySelector('button[type=submit]'), () => scaleTo(params, form));
});

$('#scale-reset').addEventListener('click', (event) =>
	busy(event.currentTarget, () => scaleTo({ reset: true }, $('#scale-form'))));

async function load() {
	try {
		current = await call('apps.get', { name });
		renderFailure(current);
		renderSummary(current);
		renderScale(current);
		if (!$('#releases').contains(document.activeElement)) {
			renderReleases(current);
		}
		// drawn again only when the server's variables changed, never under the cursor
		// and never over an unsaved edit: a row being added survives the 5-second refresh
		if (JSON.stringify(current.env || {}) !== renderedEnv && !envEdited()
			&& (!document.activeElement || !document.activeElement.closest('#env-form'))) {
			renderEnv(current);
		}
	} catch (error) {
		if (error.code === -32001) {
			// on a node: the node says what it does not have (the app, or the node is gone)
			say(message, node ? 'Cannot load ' + target.label + ': ' + error.message + '. '
				: name + ' is no longer installed. ', 'error');
			message.append(el('a', { href: '/apps', text: 'Back to the apps' }));
			clearInterval(poller);
			return;
		}
		// a node that does not answer: the reason, and the page keeps asking (it recovers)
		say(message, describe(error, 'Cannot load ' + target.label
			+ (current ? ' (showing what was known before)' : '')), 'error');
	}
}

/**
 * Long work (Update now, Roll back) with its step and deploy log shown as it happens
 * (SPEC §8); the card keeps the log and the outcome afterwards.
 */
async function withProgress(title, work) {
	$('#deploy-progress').hidden = false;
	$('#deploy-progress-title').textContent = title;
	const step = $('#deploy-step');
	try {
		const result = await watchDeploy(name, work, { step, log: $('#deploy-log'), node });
		say(step, 'Done.', 'ok');
		return result;
	} catch (error) {
		say(step, describe(error, 'Failed'), 'error');
		throw error;
	}
}

async function rollback(button, release) {
	const live = liveRelease(current);
	const confirmed = await confirmAction({ title: 'Roll back ' + name + ' to ' + release.version + '?',
		// a rollback may go to a newer release too (after an earlier rollback)
		message: name + ' switches from ' + (live ? live.version : 'its live release') + ' to ' + release.id
			+ (live && release.created > live.created
				? ', a newer release. No update hooks run; the data stays as it is (nothing is migrated again).'
				: '. No update hooks run; the data stays as the newer release left it.'),
		confirm: 'Roll back to ' + release.version });
	if (!confirmed) {
		return;
	}
	await busy(button, async () => {
		say(message, 'Rolling back to ' + release.id + '…');
		try {
			current = await withProgress('Rolling back ' + name + ' to ' + release.version,
				() => call('apps.rollback', { name, release: release.id }));
			say(message, 'Rolled back: ' + name + ' now runs ' + (current.version || release.version) + '.', 'ok');
		} catch (error) {
			say(message, describe(error, 'The rollback failed') + (error.data?.cause ? '\nCause: ' + error.data.cause.summary : ''), 'error');
		}
		await load();
	});
}

const verbs = { 'apps.start': 'Start', 'apps.stop': 'Stop', 'apps.restart': 'Restart', 'apps.update': 'Update' };
for (const button of $$('[data-action]')) {
	button.addEventListener('click', async () => {
		const method = button.dataset.action;
		const verb = verbs[method];
		if (method === 'apps.stop' && !await confirmAction({ title: 'Stop ' + name + '?',
			message: 'Its daemon stops and its URLs answer with an error until you start it again. Its tasks do not run meanwhile.',
			confirm: 'Stop ' + name })) {
			return;
		}
		await busy(button, async () => {
			say(message, verb + ' ' + name + '…');
			try {
				// an update is an upgrade: its progress and log as it happens
				const result = method === 'apps.update'
					? await withProgress('Updating ' + name, () => call(method, { name })) : await call(method, { name });
				if (method === 'apps.update') {
					say(message, result.updated ? 'Updated: ' + name + ' now runs ' + result.version + ' (' + String(result.commit).slice(0, 12) + ').'
						: name + ' is already at the newest revision its strategy selects (' + String(result.commit || '').slice(0, 12) + ').', 'ok');
				} else {
					say(message, name + ': ' + verb.toLowerCase() + ' done.', 'ok');
				}
			} catch (error) {
				let text = describe(error, name + ' could not ' + verb.toLowerCase());
				if (error.data?.cause) {
					text += '\nCause: ' + error.data.cause.summary;
				}
				if (error.data && 'live' in error.data) {
					text += '\n' + (!error.data.live ? 'No release is live.'
						: error.data.live.version + (error.data.live.serving === false
							? ' is still live but not running.' : ' is still live.'));
				}
				say(message, text, 'error');
			}
			await load();
		});
	});
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
	$('#env-saved').hidden = true;
	// only what this form changed, merged into the variables as the server holds them
	// then: what another operator set meanwhile is kept
	const change = envChange(loadedEnv, envRows());
	if (isEmpty(change)) {
		$('#env-saved-text').textContent = 'Nothing to save: no variable was added, changed or removed.';
		$('#env-restart').hidden = true;
		$('#env-saved').hidden = false;
		return;
	}
	const params = { name, env: change.env, merge: true, restart: false };
	if (change.unset.length) {
		params.unset = change.unset;
	}
	try {
		const result = await call('apps.env.set', params);
		$('#env-saved-text').textContent = 'Saved (' + describeChange(change) + '). ' + (result.restart_needed
			? name + ' runs with the old environment until it restarts: restart it now?'
			: name + ' uses the new environment from its next start.');
		$('#env-restart').hidden = !result.restart_needed;
		$('#env-saved').hidden = false;
		// the variables as stored now, other operators' changes included: the next save
		// compares with these
		renderEnv(result);
	} catch (error) {
		showErrors(form, error, describe(error, 'The environment was not saved'));
	}
});

$('#env-restart').addEventListener('click', (event) => busy(event.currentTarget, async () => {
	try {
		await call('apps.restart', { name });
		$('#env-saved-text').textContent = 'Restarted: ' + name + ' runs with the new environment.';
		$('#env-restart').hidden = true;
	} catch (error) {
		$('#env-saved-text').textContent = describe(error, 'The restart failed');
	}
	await load();
}));

async function showHistory(task) {
	const box = $('#task-history');
	$('#task-history-title').textContent = 'Runs of ' + task.name + ' (newest first)';
	try {
		const runs = await call('tasks.runs', { name, task: task.name, limit: 20 });
		$('#task-runs').replaceChildren(...(runs.length ? runs.map((run) => {
			const code = run.exit_code ?? run.exitCode;
			return el('li', { class: 'run' },
				el('div', {}, timeElement(run.started), ' — ', el('strong', { class: run.outcome === 'succeeded' ? null : 'error-text',
					text: run.outcome }), ' (' + run.trigger + (code !== null && code !== undefined ? ', exit code ' + code : '') + ')'),
				el('pre', { class: 'log', tabindex: '0', 'aria-label': 'Output of the run', text: run.output || '(no output)' }));
		}) : [el('li', { text: 'It has not run yet.' })]));
	} catch (error) {
		$('#task-runs').replaceChildren(el('li', { text: describe(error, 'The history cannot be loaded') }));
	}
	box.hidden = false;
}

async function loadTasks() {
	try {
		const tasks = await call('tasks.list', { name });
		$('#tasks').replaceChildren(...(tasks.length ? tasks.map((task) => {
			const last = task.last_run || task.lastRun || null;
			return el('tr', { dataset: { task: task.name } },
				cell('Task', task.name),
				cell('Schedule', el('code', { text: task.schedule || '—' })),
				cell('Next run', task.next ? timeElement(task.next) : (task.scheduled === false ? 'not scheduled (the app is not running)' : '—')),
				cell('Last run', last ? timeElement(last.started) : 'never'),
				cell('Outcome', last ? el('span', { class: last.outcome === 'succeeded' ? null : 'error-text', text: last.outcome }) : '—'),
				cell('Actions', el('span', { class: 'row-actions' },
					el('button', { type: 'button', class: 'small', text: 'Run now', 'data-needs': 'deployer', 'aria-label': 'Run ' + task.name + ' now',
						onclick: (event) => busy(event.currentTarget, async () => {
							try {
								const run = await call('tasks.run', { name, task: task.name });
								say($('#tasks-message'), task.name + ': ' + run.outcome + '.', run.outcome === 'succeeded' ? 'ok' : 'error');
							} catch (error) {
								say($('#tasks-message'), describe(error, task.name + ' did not run'), 'error');
							}
							await loadTasks();
							await showHistory(task);
						}) }),
					el('button', { type: 'button', class: 'small history', text: 'Output and history', 'aria-label': 'Output and history of ' + task.name,
						onclick: () => showHistory(task) }))));
		}) : [emptyRow(6, 'This app has no tasks.')]));
	} catch (error) {
		$('#tasks').replaceChildren(emptyRow(6, describe(error, 'Tasks')));
	}
}

function hookItem(hook) {
	const delivery = hook.last_delivery;
	return el('li', { class: 'hook', dataset: { hook: hook.id } },
		el('div', {}, el('span', { class: 'badge', text: hook.provider || 'hook' }), ' ',
			el('code', { class: 'hook-url', text: hook.url }), ' ', copyButton(hook.url, 'Copy the URL of the ' + hook.provider + ' hook'), ' ',
			el('button', { type: 'button', class: 'small secondary-danger', text: 'Remove', 'data-needs': 'deployer',
				'aria-label': 'Remove the ' + (hook.provider || '') + ' hook',
				onclick: async (event) => {
					const button = event.currentTarget;
					if (!await confirmAction({ title: 'Remove the ' + hook.provider + ' hook?',
						message: 'Pushes sent to its URL are refused from now on: ' + name + ' no longer updates by itself.',
						confirm: 'Remove the hook' })) {
						return;
					}
					await busy(button, async () => {
						try {
							await call('hooks.remove', { id: hook.id });
							await loadHooks();
						} catch (error) {
							say($('#hooks-message'), describe(error, 'The hook was not removed'), 'error');
						}
					});
				} })),
		hook.loopback ? el('p', { class: 'message warn hook-loopback', text: 'This URL names this machine only (' + new URL(hook.url).host
			+ '): a git host elsewhere cannot reach it. Set pyapp.scm.public-url to the address the git host uses.' }) : null,
		el('p', { class: 'help hook-signature', text: hook.signature || '' }),
		el('p', { class: 'help hook-delivery' }, 'Last delivery: ', delivery
			? [timeElement(delivery.time), ' — ', el('span', { class: delivery.status >= 400 ? 'error-text' : null,
				text: delivery.outcome + ' (HTTP ' + delivery.status + ')' + (delivery.message ? ': ' + delivery.message : '') })]
			: 'none yet'));
}

async function loadHooks() {
	try {
		const hooks = await call('hooks.list', { name });
		$('#hooks').replaceChildren(...(hooks.length ? hooks.map(hookItem) : [el('li', { text: 'No post-commit hook.' })]));
	} catch (error) {
		$('#hooks').replaceChildren(el('li', { text: describe(error, 'Hooks') }));
	}
}

$('#hook-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	try {
		const hook = await call('hooks.create', { name, provider: $('#hook-provider').value });
		const box = $('#hook-created');
		box.replaceChildren(
			el('p', { text: 'Configure this in your git host. The secret is shown only now.' }),
			el('p', {}, 'URL: ', el('code', { class: 'hook-url', text: hook.url }), ' ', copyButton(hook.url, 'Copy the hook URL')),
			el('p', {}, 'Secret: ', el('code', { class: 'hook-secret', text: hook.secret }), ' ', copyButton(hook.secret, 'Copy the secret')),
			el('p', { class: 'help', text: hook.signature || '' }),
			hook.loopback ? el('p', { class: 'message warn', text: 'This URL names this machine only: a git host elsewhere cannot reach it.' }) : null);
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
		await call('apps.remove', { name, keep_data: $('#remove-keep-data').checked });
		window.location.assign('/apps');
	} catch (error) {
		showErrors(form, error, describe(error, 'The app was not removed'));
	}
});

load();
loadTasks();
loadHooks();
const poller = setInterval(load, 5000);

// charts of apps.metrics (uPlot); reloaded every minute and when the range changes
import('./charts.js').then(({ drawAppCharts }) => {
	const card = document.querySelector('#metrics');
	const range = document.querySelector('#metrics-range');
	const note = document.querySelector('#metrics-message');
	async function loadMetrics() {
		try {
			drawAppCharts(card, await call('apps.metrics', { name, since: range.value }));
			note.hidden = true;
		} catch (error) {
			note.textContent = describe(error, 'Metrics');
			note.hidden = false;
		}
	}
	range.addEventListener('change', loadMetrics);
	loadMetrics();
	setInterval(loadMetrics, 60000);
});
