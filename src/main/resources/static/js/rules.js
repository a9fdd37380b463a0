// Notification rules: what each last delivered, a test send, and a warning when a rule
// cannot deliver (e-mail without an SMTP server).
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formValues, fillSelect, timeElement,
	confirmAction } from './ui.js';

const message = $('#rules-message');

function delivery(value) {
	if (!value) {
		return 'none yet';
	}
	return el('span', { class: 'delivery' }, timeElement(value.time), ' ',
		el('strong', { class: value.status === 'failed' ? 'error-text' : null, text: value.status }),
		value.error ? el('span', { class: 'error-text', text: ': ' + value.error }) : null);
}

async function load() {
	try {
		const rules = await rpc('notifications.rules.list');
		$('#rules').replaceChildren(...(rules.length ? rules.map((rule) => el('tr', { dataset: { rule: rule.id } },
			cell('App', rule.app || 'every app'),
			cell('Lowest level', rule.min_level || '—'),
			cell('Pattern', rule.pattern ? el('code', { text: rule.pattern }) : '—'),
			cell('Channel', rule.channel === 'email' ? 'e-mail' : rule.channel),
			cell('Target', el('span', {}, rule.target, rule.warning ? el('p', { class: 'message warn rule-warning', text: rule.warning }) : null)),
			cell('Throttle', rule.throttle || '—'),
			cell('Last delivery', delivery(rule.last_delivery)),
			cell('Actions', el('span', { class: 'row-actions' },
				el('button', { type: 'button', class: 'small test', text: 'Send a test', 'data-needs': 'deployer',
					'aria-label': 'Send a test notification to ' + rule.target,
					onclick: (event) => busy(event.currentTarget, async () => {
						say(message, 'Sending a test to ' + rule.target + '…');
						try {
							const sent = await rpc('notifications.rules.test', { id: rule.id });
							say(message, sent.status === 'sent' ? 'The test reached ' + rule.target + '.'
								: 'The test failed: ' + (sent.error || 'no reason given'), sent.status === 'sent' ? 'ok' : 'error');
						} catch (error) {
							say(message, describe(error, 'The test was not sent'), 'error');
						}
						await load();
					}) }),
				el('button', { type: 'button', class: 'small secondary-danger', text: 'Remove', 'data-needs': 'deployer',
					'aria-label': 'Remove the rule for ' + (rule.app || 'every app') + ' to ' + rule.target,
					onclick: async (event) => {
						const button = event.currentTarget;
						if (!await confirmAction({ title: 'Remove this rule?', message: 'No more notifications go to ' + rule.target
							+ ' for ' + (rule.app || 'any app') + '.', confirm: 'Remove the rule' })) {
							return;
						}
						await busy(button, async () => {
							try {
								await rpc('notifications.rules.remove', { id: rule.id });
								say(message, 'Rule removed.', 'ok');
							} catch (error) {
								say(message, describe(error, 'The rule was not removed'), 'error');
							}
							await load();
						});
					} })))))
			: [emptyRow(8, 'No rule yet.')]));
	} catch (error) {
		$('#rules').replaceChildren(emptyRow(8, describe(error, 'Notification rules')));
	}
}

$('#rule-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	say(message, '');
	try {
		const rule = await rpc('notifications.rules.add', formValues(form));
		const warnings = rule.warnings || [];
		say(message, warnings.length ? 'Rule added, but it cannot deliver yet: ' + warnings.join('; ')
			: 'Rule added. Send a test to see that it arrives.', warnings.length ? 'warn' : 'ok');
		form.reset();
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The rule was not added'));
	}
});

rpc('apps.list').then((apps) => fillSelect($('#rule-app'), apps.map((app) => app.name))).catch(() => {});
load();
