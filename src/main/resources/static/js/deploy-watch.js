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
 * @param {{step: Element, log: Element}} view where the step and the log lines go
 * @returns {Promise<any>} what `work` returns; rejects as it does
 */
export async function watchDeploy(name, work, { step, log }) {
	log.textContent = '';
	log.hidden = true;
	say(step, 'Starting…');
	const append = (line) => {
		log.hidden = false;
		log.append(line + '\n');
		log.scrollTop = log.scrollHeight;
	};
	const stop = new AbortController();
	let cursor = null;
	let tailing = true;
	try {
		cursor = (await rpc('logs.tail', { app: name })).cursor ?? null;
	} catch (error) {
		tailing = false;
		append('(the deploy log is not available: ' + describe(error) + ')');
	}
	const tail = (async () => {
		while (tailing && !stop.signal.aborted) {
			try {
				const reply = await rpc('logs.tail', cursor ? { app: name, after: cursor } : { app: name },
					{ signal: stop.signal });
				cursor = reply.cursor ?? cursor;
				for (const record of reply.records || []) {
					if (record.logger === 'pyapp.deploy') {
						append(record.level + ' ' + record.message);
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
				const app = await rpc('apps.get', { name }, { signal: done.signal });
				if (app.progress && !done.signal.aborted) {
					say(step, app.state + ' — ' + app.progress.step + ': ' + app.progress.message);
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
		// let the last records of the deploy arrive before the tail stops
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
