// Users and their roles: users.list, users.create (a generated password shown once),
// users.update (role), users.remove.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, busy, showErrors, clearErrors, formatTime, confirmAction } from './ui.js';

const message = $('#users-message');

function roleSelect(user) {
	const select = el('select', { 'aria-label': 'Role of ' + user.username, class: 'user-role' },
		...['viewer', 'deployer', 'admin'].map((role) => el('option', { value: role, text: role,
			selected: role === user.role })));
	select.addEventListener('change', async () => {
		try {
			await rpc('users.update', { username: user.username, role: select.value });
			say(message, user.username + ' is ' + select.value + ' now.', 'ok');
		} catch (error) {
			say(message, describe(error, 'The role was not changed'), 'error');
			select.value = user.role;
		}
	});
	return select;
}

async function load() {
	try {
		const users = await rpc('users.list');
		$('#users').replaceChildren(...users.map((user) => el('tr', { dataset: { user: user.username } },
			cell('User', user.username),
			cell('Role', roleSelect(user)),
			cell('Created', formatTime(user.created)),
			cell('Actions', el('button', { type: 'button', class: 'remove small secondary-danger', text: 'Remove',
				'aria-label': 'Remove ' + user.username,
				onclick: async (event) => {
					const button = event.currentTarget;
					if (!await confirmAction({ title: 'Remove the user ' + user.username + '?',
						message: user.username + ' can no longer log in, and their API tokens stop working.', confirm: 'Remove ' + user.username })) {
						return;
					}
					await busy(button, async () => {
						try {
							await rpc('users.remove', { username: user.username });
							say(message, user.username + ' removed.', 'ok');
						} catch (error) {
							say(message, describe(error, 'The user was not removed'), 'error');
						}
						await load();
					});
				} })))));
		if (users.length === 0) {
			$('#users').replaceChildren(emptyRow(4, 'No users.'));
		}
	} catch (error) {
		$('#users').replaceChildren(emptyRow(4, describe(error, 'Users')));
	}
}

$('#user-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	try {
		const created = await rpc('users.create', { username: $('#user-name').value.trim(), role: $('#user-role').value });
		$('#user-password').value = created.password || '';
		$('#user-created').hidden = false;
		form.reset();
		await load();
	} catch (error) {
		showErrors(form, error, describe(error, 'The user was not created'));
	}
});

load();
