// API tokens of the users: create (the value is shown once) and revoke.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formatTime, confirmAction } from './ui.js';

const message = $('#tokens-message');

async function load() {
	try {
		const tokens = await rpc('tokens.list');
		$('#tokens').replaceChildren(...(tokens.length ? tokens.map((token) => el('tr', { dataset: { token: token.id } },
			cell('Name', token.name),
			cell('User', token.user),
			cell('Role', token.role || '—'),
			cell('Created', formatTime(token.created)),
			cell('Last used', formatTime(token.last_used)),
			cell('Actions', el('button', { type: 'button', class: 'revoke small secondary-danger', text: 'Revoke',
				'aria-label': 'Revoke the token ' + token.name,
				onclick: async (event) => {
					const button = event.currentTarget;
					if (!await confirmAction({ title: 'Revoke the token ' + token.name + '?',
						message: 'Every script or CLI using it is refused from now on (401). This cannot be undone: a new token has a new value.',
						confirm: 'Revoke the token' })) {
						return;
					}
					await busy(button, async () => {
						try {
							await rpc('tokens.revoke', { id: token.id });
							say(message, 'Token ' + token.name + ' revoked.', 'ok');
						} catch (error) {
							say(message, describe(error, 'The token was not revoked'), 'error');
						}
						await load();
					});
				} }))))
			: [emptyRow(6, 'No token yet.')]));
	} catch (error) {
		$('#tokens').replaceChildren(emptyRow(6, describe(error, 'Tokens')));
	}
}

$('#token-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	try {
		const role = $('#token-role').value;
		const created = await rpc('tokens.create', { name: $('#token-name').value, ...(role ? { role } : {}) });
		$('#token-value').value = created.token;
		$('#token-created').hidden = false;
		$('#token-value').select();
		form.reset();
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The token was not created'));
	}
});

load();
