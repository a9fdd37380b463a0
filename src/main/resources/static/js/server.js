// This server: version, PYAPP_HOME, drop folder, Python interpreters, web server.
import { rpc, describe } from './rpc.js';
import { $, el, say, cell, emptyRow, timeElement, relativeTime } from './ui.js';

function facts(list) {
	return list.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', {}, value)]);
}

(async () => {
	let info;
	try {
		info = await rpc('server.info');
	} catch (error) {
		say($('#server-message'), describe(error, 'The server cannot say'), 'error');
		return;
	}
	const dropbox = info.dropbox || {};
	$('#server-facts').replaceChildren(...facts([
		['Version', el('span', { id: 'server-version', text: info.version })],
		['PYAPP_HOME', el('code', { id: 'server-home', text: info.home })],
		['Drop folder', el('span', {}, el('code', { id: 'server-dropbox', text: dropbox.path || '—' }),
			dropbox.watched === false ? ' (not watched: pyapp.dropbox.enabled is false)' : ' (watched: a .pyapp dropped here is installed)')],
		['Java', info.java || '—'],
		['Started', info.started ? el('span', {}, timeElement(info.started), ' (' + relativeTime(info.started) + ')') : '—'],
	]));
	const web = info.webserver || {};
	$('#webserver-facts').replaceChildren(...facts([
		['Kind', el('span', { id: 'server-webserver-kind', text: web.kind + (web.managed ? ' (managed)' : ' (system)') })],
		['State', el('span', { id: 'server-webserver-state', class: 'badge state-' + (web.state === 'running' ? 'running'
			: web.state === 'failed' ? 'failed' : 'stopped'), text: web.state })],
		['PID', web.pid ? String(web.pid) : '—'],
		['Configuration', el('code', { text: web.config || '—' })],
		['Last applied', web.applied ? timeElement(web.applied) : 'never'],
	]));
	const pythons = info.python || [];
	$('#interpreters').replaceChildren(...(pythons.length ? pythons.map((python) => el('tr', {},
		cell('Version', python.version), cell('Path', el('code', { text: python.path }))))
		: [emptyRow(2, 'No Python 3 interpreter was found: apps cannot be installed.')]));
	$('#gunicorn').textContent = serverPackages(info.gunicorn);
})();

/**
 * The app server packages (gunicorn and the runtime shim) in a sentence, such as "ready
 * (gunicorn 26.2.0)"; what is not known is left out (the page said "message null, log null").
 */
function serverPackages(packages) {
	if (!packages) {
		return '';
	}
	if (typeof packages !== 'object') {
		return 'App server packages: ' + String(packages);
	}
	return 'App server packages: ' + (packages.state || 'unknown')
		+ (packages.gunicorn ? ' (gunicorn ' + packages.gunicorn + ')' : '')
		+ (packages.message ? ': ' + packages.message : '');
}
