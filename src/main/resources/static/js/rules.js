// Notification rules.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formValues, fillSelect } from './ui.js';

const message = $('#rules-message');

async function load() {
	try {
		const rules = await rpc('notifications.rules.list');
		$('#rules').replaceChildren(...(rules.length ? rules.map((rule) => el('tr', {},
			cell('App', rule.app || 'every app'),
			cell('Lowest level', rule.min_level || '—'),
			cell('Pattern', rule.pattern ? el('code', { text: rule.pattern }) : '—'),
			cell('Channel', rule.channel),
			cell('Target', rule.target),
			cell('Throttle', rule.throttle || '—'),
			cell('Actions', el('button', { type: 'button', text: 'Remove', 'data-needs': 'deployer', 'aria-label': 'Remove the rule for '
				+ (rule.app || 'every app') + ' to ' + rule.target,
				onclick: (event) => busy(event.currentTarget, async () => {
					try {
						await rpc('notifications.rules.remove', { id: rule.id });
						say(message, 'Rule removed.', 'ok');
					} catch (error) {
						say(message, describe(error, 'The rule was not removed'), 'error');
					}
					await load();
				}) }))))
			: [emptyRow(7, 'No rule yet.')]));
	} catch (error) {
		$('#rules').replaceChildren(emptyRow(7, describe(error, 'Notification rules')));
	}
}

$('#rule-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	try {
		await rpc('notifications.rules.add', formValues(form));
		say(message, 'Rule added.', 'ok');
		form.reset();
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The rule was not added'));
	}
});

rpc('apps.list').then((apps) => fillSelect($('#rule-app'), apps.map((app) => app.name))).catch(() => {});
load();
