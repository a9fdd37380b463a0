// Change the password of the user logged in.
import { rpc, describe } from './rpc.js';
import { $, say, showErrors, clearErrors } from './ui.js';

$('#password-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	say($('#password-changed'), '');
	const current = $('#current-password').value;
	const password = $('#new-password').value;
	if (password !== $('#confirm-password').value) {
		showErrors(form, { errors: [{ path: 'confirm', message: 'the two new passwords differ' }] });
		return;
	}
	try {
		await rpc('account.password.set', { current, password });
		form.reset();
		say($('#password-changed'), 'The password has been changed.', 'ok');
	} catch (error) {
		showErrors(form, error, describe(error, 'The password was not changed'));
	}
});
