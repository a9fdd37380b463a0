// The audit log: audit.query with filters, newest first, "Older" for the next page.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, formatTime, formValues, showErrors, clearErrors } from './ui.js';

const records = $('#audit-records');
const older = $('#audit-older');
const message = $('#audit-message');
let filters = {};
let next = null;

function row(record) {
	const failed = record.outcome !== 'ok';
	const outcome = failed && record.error ? 'error ' + record.error.code + ': ' + record.error.message : record.outcome;
	return el('tr', { dataset: { id: String(record.id), outcome: record.outcome } },
		cell('Time', formatTime(record.time)),
		cell('Principal', record.principal + (record.user && record.user !== record.principal ? ' (' + record.user + ')' : '')),
		cell('Method', el('code', { text: record.method })),
		cell('Params', el('code', { class: 'params', text: record.params ? JSON.stringify(record.params) : '' })),
		cell('Outcome', el('span', { class: 'badge ' + (failed ? 'state-failed' : 'state-running'), text: outcome })),
		cell('ms', String(record.duration_ms)));
}

async function load(append) {
	const form = $('#audit-form');
	clearErrors(form);
	try {
		const page = await rpc('audit.query', { ...filters, limit: 50, ...(append && next ? { before: String(next) } : {}) });
		const rows = page.records.map(row);
		if (append) {
			records.append(...rows);
		} else {
			records.replaceChildren(...(rows.length ? rows : [emptyRow(6, 'No record matches.')]));
		}
		next = page.next;
		older.hidden = !next;
		say(message, '');
	} catch (error) {
		if (error.errors && error.errors.length) {
			showErrors(form, error);
		} else {
			say(message, describe(error, 'The audit log'), 'error');
		}
	}
}

$('#audit-form').addEventListener('submit', (event) => {
	event.preventDefault();
	filters = formValues(event.target);
	load(false);
});
older.addEventListener('click', () => load(true));
load(false);
