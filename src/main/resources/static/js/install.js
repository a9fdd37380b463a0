// Install by upload (drag and drop or file input, with upload progress) or by git URL,
// with the install's progress and its `pyapp.deploy` log shown as it happens.
import { rpc, csrfHeaders, describe } from './rpc.js';
import { $, el, say, showErrors, clearErrors, formValues, deployLogHref } from './ui.js';
import { followWork } from './deploy-watch.js';

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
	// replaceChildren, unlike el(), would show a null as the text "null"
	uploadErrors.replaceChildren(el('p', { text: error.message }), ...(lines.length ? [el('ul', {}, lines)] : []));
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
	// the title of an earlier install ("Install failed") goes with it
	$('#install-title').textContent = 'Installing';
	log.textContent = '';
	log.hidden = true;
	result.replaceChildren();
	say(stepLine, 'Starting…');
	return followWork(work, { app: null, what: 'install', append: appendLog, currentStep,
		showStep: (line) => say(stepLine, line) });
}

/** The step of the app being installed (state installing or upgrading), or null. */
async function currentStep(signal) {
	let line = null;
	const apps = await rpc('apps.list', undefined, { signal });
	for (const app of apps.filter((candidate) => ['installing', 'upgrading'].includes(candidate.state))) {
		const details = await rpc('apps.get', { name: app.name }, { signal });
		if (details.progress) {
			line = app.name + ': ' + app.state + ' — ' + details.progress.step + ': ' + details.progress.message;
		}
	}
	return line;
}


function showInstalled(app) {
	$('#install-title').textContent = 'Installed';
	say(stepLine, 'Installed ' + app.name + ' ' + (app.version || '') + ' — state: ' + app.state, 'ok');
	const links = [el('a', { href: '/apps/' + encodeURIComponent(app.name), text: 'Open ' + app.name })];
	if (app.state === 'needs-configuration') {
		links.push(' · ', el('a', { href: '/apps/' + encodeURIComponent(app.name) + '/config',
			text: 'Fill in its configuration' }));
	}
	result.replaceChildren(el('p', { class: 'message ok', id: 'install-done' }, ...links));
}

/**
 * A failed install, explained: the failing step, the root cause from what the release
 * printed, what is live now, and the logs of that deploy.
 */
function showFailed(error) {
	const data = error.data || {};
	$('#install-title').textContent = 'Install failed';
	say(stepLine, describe(error, 'The install failed'), 'error');
	const parts = [];
	const problems = (error.errors || []).map((problem) => el('li', { text: (problem.path ? problem.path + ': ' : '')
		+ problem.message }));
	if (problems.length) {
		parts.push(el('ul', { class: 'message error' }, problems));
	}
	if (data.cause) {
		parts.push(el('p', { class: 'message error', id: 'install-cause' }, 'Cause: ', el('strong', { text: data.cause.summary })));
		parts.push(el('pre', { class: 'log error-log', id: 'install-cause-excerpt', tabindex: '0',
			'aria-label': 'What the release printed', text: data.cause.excerpt }));
	} else if (error.log) {
		parts.push(el('pre', { class: 'log error-log', tabindex: '0', 'aria-label': 'What the failing step printed', text: error.log }));
	}
	if (data.hint) {
		parts.push(el('p', { class: 'message', id: 'install-hint' }, 'What to do: ' + data.hint));
	}
	if (data.app) {
		// serving is false for the live release of an app that is stopped or never started
		parts.push(el('p', { id: 'install-live', class: 'live-now' }, el('strong', { text: !data.live
			? 'Nothing of ' + data.app + ' is live: the install left no app behind.'
			: data.live.serving === false
				? data.live.version + ' is still live but not running: ' + data.app + ' serves nothing.'
				: data.live.version + ' is still live: ' + data.app + ' keeps serving it.' })));
		parts.push(el('p', {}, el('a', { id: 'install-deploy-log', href: deployLogHref(data.app, data.release),
			text: 'All logs of this deploy' }),
			data.live ? [' · ', el('a', { href: '/apps/' + encodeURIComponent(data.app), text: 'Open ' + data.app })] : null));
	}
	result.replaceChildren(...parts);
}

/** Asks before an install that replaces what runs: "1.1.0 → 1.2.0", "identical to the live release". */
function askToInstall(inspection) {
	const box = $('#install-confirm');
	const ok = $('#install-confirm-ok');
	const labels = { upgrade: 'Upgrade', downgrade: 'Downgrade', redeploy: 'Replace it', identical: 'Deploy it again' };
	$('#install-confirm-text').textContent = inspection.live
		? inspection.name + ' is installed (' + inspection.live.version + ' is live). This archive '
			+ inspection.message.replace(/^upgrades /, 'upgrades it: ').replace(/^downgrades /, 'downgrades it: ') + '.'
		: inspection.message + '.';
	ok.textContent = labels[inspection.action] || 'Install';
	box.hidden = false;
	ok.focus();
	return new Promise((resolve) => {
		const done = (answer) => {
			box.hidden = true;
			ok.onclick = null;
			$('#install-confirm-cancel').onclick = null;
			resolve(answer);
		};
		ok.onclick = () => done(true);
		$('#install-confirm-cancel').onclick = () => done(false);
	});
}

async function installArchive(file) {
	say(uploadErrors, '');
	$('#install-confirm').hidden = true;
	$('#upload-progress').value = 0;
	let archive;
	try {
		archive = await upload(file);
	} catch (error) {
		showUploadErrors(error);
		return;
	}
	let inspection = null;
	try {
		inspection = await rpc('archives.inspect', { archive });
	} catch (error) {
		// the install itself says what is wrong with the archive
	}
	if (inspection && inspection.action === 'conflict') {
		showUploadErrors({ message: inspection.message, errors: [] });
		return;
	}
	if (inspection && inspection.action !== 'install' && !await askToInstall(inspection)) {
		say(uploadErrors, 'Not installed: ' + inspection.name + ' ' + inspection.live.version + ' stays live.', 'info');
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
	if (values.strategy === 'latest-tag' && values.prereleases) {
		git.prereleases = true;
	}
	if (values.poll_interval) {
		git.poll_interval = values.poll_interval;
	}
	try {
		showInstalled(await follow(() => rpc('apps.install', { git })));
	} catch (error) {
		if (error.errors && error.errors.length) {
			// field errors beside their fields; the progress card says the rest once
			showErrors(form, error, describe(error, 'The install failed'), 'git.');
		}
		showFailed(error);
	}
});

// only the fields of the chosen strategy
function strategyFields() {
	const strategy = $('#git-strategy').value;
	$('#git-branch-field').hidden = strategy !== 'one-branch';
	$('#git-tag-field').hidden = strategy !== 'latest-tag';
	$('#git-strategy-help').textContent = {
		'one-branch': 'Deploys the newest commit of one branch.',
		'latest-tag': 'Deploys the newest tag that matches a pattern.',
		'always-latest': 'Deploys the newest commit of the repository\'s default branch.',
	}[strategy];
}
$('#git-strategy').addEventListener('change', strategyFields);
strategyFields();
