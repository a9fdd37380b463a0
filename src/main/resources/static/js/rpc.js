// JSON-RPC 2.0 over POST /rpc with the UI session and its CSRF token: the one way the
// UI changes anything.

const METHOD_NOT_FOUND = -32601;

let nextId = 1;

/** An error object of a JSON-RPC response (or a transport failure, code 0). */
export class RpcError extends Error {
	constructor(code, message, data) {
		super(message);
		this.code = code;
		this.data = data || {};
	}

	/** Whether the server does not have the method (yet). */
	get missing() {
		return this.code === METHOD_NOT_FOUND;
	}

	/** `data.errors`: [{path, message}] of an invalid request. */
	get errors() {
		return Array.isArray(this.data.errors) ? this.data.errors : [];
	}

	/** `data.log`: what a failing step printed. */
	get log() {
		return typeof this.data.log === 'string' ? this.data.log : '';
	}
}

export function csrfHeaders() {
	const token = document.querySelector('meta[name="_csrf"]');
	const header = document.querySelector('meta[name="_csrf_header"]');
	return token && header ? { [header.content]: token.content } : {};
}

async function post(body, signal) {
	let response;
	try {
		response = await fetch('/rpc', {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...csrfHeaders() },
			body: JSON.stringify(body),
			signal,
		});
	} catch (failure) {
		if (failure.name === 'AbortError') {
			throw failure;
		}
		// the browser's own words ("Failed to fetch") say nothing to a person
		throw new RpcError(0, 'The server cannot be reached. Check that it is running, then try again.');
	}
	if (response.status === 401) {
		sessionEnded();
		throw new RpcError(0, 'Your session has expired: log in again.');
	}
	if (response.status === 403) {
		throw new RpcError(0, 'The server refused the request: reload the page and try again.');
	}
	if (!response.ok) {
		throw new RpcError(0, 'The server answered with an error (HTTP ' + response.status + '). Try again in a moment.');
	}
	return response.json();
}

/**
 * The session is gone (the server restarted, or it timed out): load this page again, so
 * that the server remembers it, says "session expired" on the login page and returns
 * here after the login.
 */
let ending = false;
export function sessionEnded() {
	if (!ending) {
		ending = true;
		window.location.reload();
	}
}

function unwrap(reply) {
	if (reply.error) {
		throw new RpcError(reply.error.code, reply.error.message, reply.error.data);
	}
	return reply.result;
}

/**
 * Calls one method.
 * @param {string} method e.g. `apps.list`
 * @param {object} [params]
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<any>} the result; rejects with an RpcError
 */
export async function rpc(method, params, options = {}) {
	const request = { jsonrpc: '2.0', id: nextId++, method };
	if (params !== undefined) {
		request.params = params;
	}
	return unwrap(await post(request, options.signal));
}

/**
 * Calls several methods in one batch.
 * @param {Array<[string, object?]>} calls
 * @returns {Promise<Array<{result?: any, error?: RpcError}>>} in the order of the calls
 */
export async function batch(calls) {
	if (calls.length === 0) {
		return [];
	}
	const first = nextId;
	const requests = calls.map(([method, params]) => {
		const request = { jsonrpc: '2.0', id: nextId++, method };
		if (params !== undefined) {
			request.params = params;
		}
		return request;
	});
	const replies = await post(requests);
	const byId = new Map((Array.isArray(replies) ? replies : [replies]).map((reply) => [reply.id, reply]));
	return requests.map((request, index) => {
		const reply = byId.get(first + index);
		if (!reply) {
			return { error: new RpcError(0, 'no reply') };
		}
		try {
			return { result: unwrap(reply) };
		} catch (error) {
			return { error };
		}
	});
}

/** A sentence for a person about a failed call: never a method name or a browser's own words. */
export function describe(error, what) {
	if (error instanceof RpcError && error.missing) {
		return (what ? what + ': ' : '') + 'this server does not offer that yet.';
	}
	if (error instanceof RpcError && error.code === -32602) {
		return (what ? what + ': ' : '') + 'the request was incomplete. Reload the page and try again.';
	}
	if (error instanceof RpcError && error.code === -32603) {
		return (what ? what + ': ' : '') + 'the server failed unexpectedly; its log says why.';
	}
	let message = error && error.message ? error.message : String(error);
	if (/failed to fetch|networkerror|load failed/i.test(message)) {
		message = 'The server cannot be reached. Check that it is running, then try again.';
	}
	return what ? what + ': ' + message : message;
}
