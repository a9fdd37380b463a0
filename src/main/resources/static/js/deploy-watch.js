// Long work on one app that is under way (apps.update, apps.rollback), shown as it
// happens: its step from apps.get's progress, read one read at a time, and its
// pyapp.deploy log records from logs.tail. The call's own answer is the last word: no step
// read after it is shown.
import { rpc, describe } from './rpc.js';
import { say } from './ui.js';

/** How long after one progress read the next starts. */
const PROGRESS_INTERVAL = 700;

/**
 * Runs `work` and shows its progress while it runs.
 * @param {string} name the app
 * @param {function(): Promise<any>} work the call, such as `() => rpc('apps.update', {name})`
 * @param {{step: Element, log: Element, node: ?string}} view where the step and the log
 *     lines go, and the app's node (null for this server's app): the log records of a
 *     node's app are pulled into this server, its progress is read from the node
 * @returns {Promise<any>} what `work` returns; rejects as it does
 */
export async function watchDeploy(name, work, { step, log, node = null }) {
	log.textContent = '';
	log.hidden = true;
	say(step, 'Starting…');
	const append = (line) => {
		log.hidden = false;
		log.append(line + '\n');
		log.scrollTop = log.scrollHeight;
	};
	return followWork(work, {
		app: name,
		what: 'deploy',
		append,
		currentStep: async (signal) => {
			const app = await rpc('apps.get', node ? { name, node } : { name }, { signal });
			return app.progress ? app.state + ' — ' + app.progress.step + ': ' + app.progress.message : null;
		},
		showStep: (line) => say(step, line),
	});
}

/**
 * Runs `work` while it shows the `pyapp.deploy` records that arrive (of `app`, or of
 * every app with the app's name in front) and the step `currentStep` reads, one read at a
 * time (a slow server gets no pile of reads). No step read after the work's answer is
 * shown: its outcome is the last word; the tail goes on 1.5 s for the last records.
 * @param {function(): Promise<any>} work the call
 * @param {{app: ?string, what: string, append: function(string), currentStep:
 *     function(AbortSignal): Promise<?string>, showStep: function(string)}} view
 * @returns {Promise<any>} what `work` returns; rejects as it does
 */
export async function followWork(work, { app, what, append, currentStep, showStep }) {
	const stop = new AbortController();
	let cursor = null;
	let tailing = true;
	try {
		cursor = (await rpc('logs.tail', app ? { app } : {})).cursor ?? null;
	} catch (error) {
		tailing = false;
		append('(the ' + what + ' log is not available: ' + describe(error) + ')');
	}
	const tail = (async () => {
		while (tailing && !stop.signal.aborted) {
			try {
				const after = cursor ? { after: cursor } : {};
				const reply = await rpc('logs.tail', app ? { app, ...after } : after, { signal: stop.signal });
				cursor = reply.cursor ?? cursor;
				for (const record of reply.records || []) {
					if (record.logger === 'pyapp.deploy') {
						append((!app && record.app ? '[' + record.app + '] ' : '') + record.level + ' '
							+ record.message);
					}
				}
			} catch (error) {
				if (error.name !== 'AbortError') {
					append('(log tail stopped: ' + describe(error) + ')');
				}
				return;
			}
		}
	})();
	const done = new AbortController();
	(async () => {
		while (await pause(PROGRESS_INTERVAL, done.signal)) {
			try {
				const line = await currentStep(done.signal);
				if (line && !done.signal.aborted) {
					showStep(line);
				}
			} catch (error) {
				// progress is a nicety: the call itself reports the outcome
			}
		}
	})();
	try {
		return await work();
	} finally {
		done.abort();
		// let the last records of the work arrive before the tail stops
		setTimeout(() => stop.abort(), 1500);
		tail.catch(() => {});
	}
}

/** Waits, unless the signal ends the wait; resolves to whether it waited the whole time. */
function pause(millis, signal) {
	return new Promise((resolve) => {
		if (signal.aborted) {
			resolve(false);
			return;
		}
		const timer = setTimeout(() => resolve(true), millis);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve(false);
		}, { once: true });
	});
}
