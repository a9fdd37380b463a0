// Install by upload (drag and drop or file input, with upload progress) or by git URL,
// with the install's progress and its `pyapp.deploy` log shown as it happens.
import { rpc, csrfHeaders, describe } from './rpc.js';
import { $, el, say, showErrors, clearErrors, formValues } from './ui.js';

const dropzone = $('#dropzone');
const fileInput = $('#archive-file');
const uploadErrors = $('#upload-errors');
const panel = $('#install-progress');
const stepLine = $('#install-step');
const log = $('#install-log');
const result = $('#install-result');

function upload(file) {
	return new Promise((resolve, reject) => {
		const request = new XMLHttpRequest();
		request.open('POST', '/api/archives');
		for (const [name, value] of Object.entries(csrfHeaders())) {
			request.setRequestHeader(name, value);
		}
		request.responseType = 'json';
		$('#upload-row').hidden = false;
		request.upload.addEventListener('progress', (event) => {
			if (event.lengthComputable) {
				const percent = Math.round((event.loaded / event.total) * 100);
				$('#upload-progress').value = percent;
				$('#upload-percent').textContent = percent + ' %';
			}
		});
		request.addEventListener('load', () => {
			const reply = request.response || {};
			if (request.status >= 200 && request.status < 300 && reply.archive) {
				$('#upload-progress').value = 100;
				$('#upload-percent').textContent = '100 %';
				resolve(reply.archive);
			} else if (request.status === 401) {
				window.location.assign('/login');
			} else {
				const error = new Error(reply.message || 'The upload was refused (' + request.status + ').');
				error.errors = Array.isArray(reply.errors) ? reply.errors : [];
				reject(error);
			}
		});
		request.addEventListener('error', () => reject(new Error('The upload failed: the connection broke.')));
		const form = new FormData();
		form.append('file', file, file.name);
		request.send(form);
	});
}

function showUploadErrors(error) {
	const lines = (error.errors || []).map((problem) => el('li', { text: (problem.path ? problem.path + ': ' : '')
		+ problem.message }));
	uploadErrors.replaceChildren(el('p', { text: error.message }), lines.length ? el('ul', {}, lines) : null);
	uploadErrors.classList.remove('info');
	uploadErrors.classList.add('error');
	uploadErrors.hidden = false;
}

function appendLog(text) {
	log.hidden = false;
	log.append(text + '\n');
	log.scrollTop = log.scrollHeight;
}

/**
 * Follows an install while `work` runs: the app being installed (state installing or
 * upgrading in apps.list) with its progress step, and every `pyapp.deploy` record.
 */
async function follow(work) {
	panel.hidden = false;
	log.textContent = '';
	log.hidden = true;
	result.replaceChildren();
	say(stepLine, 'Starting…');
	const stop = new AbortController();
	let cursor = null;
	let tailing = true;
	try {
		const start = await rpc('logs.tail', {});
		cursor = start.cursor ?? null;
	} catch (error) {
		tailing = false;
		appendLog('(the install log is not available: ' + describe(error) + ')');
	}
	const tail = (async () => {
		while (tailing && !stop.signal.aborted) {
			try {
				const reply = await rpc('logs.tail', cursor ? { after: cursor } : {}, { signal: stop.signal });
				cursor = reply.cursor ?? cursor;
				for (const record of reply.records || []) {
					if (record.logger === 'pyapp.deploy') {
						appendLog((record.app ? '[' + record.app + '] ' : '') + record.level + ' ' + record.message);
					}
				}
			} catch (error) {
				if (error.name !== 'AbortError') {
					appendLog('(log tail stopped: ' + describe(error) + ')');
				}
				return;
			}
		}
	})();
	const progress = setInterval(async () => {
		try {
			const apps = await rpc('apps.list');
			for (const app of apps.filter((candidate) => ['installing', 'upgrading'].includes(candidate.state))) {
				const details = await rpc('apps.get', { name: app.name });
				if (details.progress) {
					say(stepLine, app.name + ': ' + app.state + ' — ' + details.progress.step + ': '
						+ details.progress.message);
				}
			}
		} catch (error) {
			// progress is a nicety: the install call itself reports the outcome
		}
	}, 700);
	try {
		return await work();
	} finally {
		clearInterval(progress);
		// let the last records of the install arrive before the tail stops
		setTimeout(() => stop.abort(), 1500);
		tail.catch(() => {});
	}
}

function showInstalled(app) {
	say(stepLine, 'Installed ' + app.name + ' ' + (app.version || '') + ' — state: ' + app.state, 'ok');
	const links = [el('a', { href: '/apps/' + encodeURIComponent(app.name), text: 'Open ' + app.name })];
	if (app.state === 'needs-configuration') {
		links.push(' · ', el('a', { href: '/apps/' + encodeURIComponent(app.name) + '/config',
			text: 'Fill in its configuration' }));
	}
	result.replaceChildren(el('p', { class: 'message ok', id: 'install-done' }, ...links));
}

function showFailed(error) {
	say(stepLine, describe(error, 'The install failed'), 'error');
	const parts = [];
	for (const problem of error.errors || []) {
		parts.push(el('li', { text: (problem.path ? problem.path + ': ' : '') + problem.message }));
	}
	result.replaceChildren(
		parts.length ? el('ul', { class: 'message error' }, parts) : '',
		error.log ? el('pre', { class: 'log', text: error.log }) : '');
}

async function installArchive(file) {
	say(uploadErrors, '');
	$('#upload-progress').value = 0;
	let archive;
	try {
		archive = await upload(file);
	} catch (error) {
		showUploadErrors(error);
		return;
	}
	try {
		showInstalled(await follow(() => rpc('apps.install', { archive })));
	} catch (error) {
		showFailed(error);
	}
}

fileInput.addEventListener('change', () => {
	if (fileInput.files.length > 0) {
		installArchive(fileInput.files[0]);
	}
});
for (const type of ['dragenter', 'dragover']) {
	dropzone.addEventListener(type, (event) => {
		event.preventDefault();
		dropzone.classList.add('over');
	});
}
for (const type of ['dragleave', 'drop']) {
	dropzone.addEventListener(type, () => dropzone.classList.remove('over'));
}
dropzone.addEventListener('drop', (event) => {
	event.preventDefault();
	const file = event.dataTransfer?.files?.[0];
	if (file) {
		installArchive(file);
	}
});

$('#git-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const form = event.target;
	clearErrors(form);
	const values = formValues(form);
	if (!values.url) {
		showErrors(form, { errors: [{ path: 'git.url', message: 'give the repository URL' }] });
		return;
	}
	const git = { url: values.url, strategy: values.strategy };
	if (values.strategy === 'one-branch' && values.branch) {
		git.branch = values.branch;
	}
	if (values.strategy === 'latest-tag' && values.tag_pattern) {
		git.tag_pattern = values.tag_pattern;
	}
	try {
		showInstalled(await follow(() => rpc('apps.install', { git })));
	} catch (error) {
		showErrors(form, error, describe(error, 'The install failed'), 'git.');
		showFailed(error);
	}
});
