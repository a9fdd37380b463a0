// Just enough of a browser page for the UI's ES modules to run in Node: elements found
// by id (created on first use), text, classes, listeners and children; fetch answered
// by a test's handlers, one per JSON-RPC method, which may hold their answer back; and
// the upload request of POST /api/archives. No layout, no HTML parsing.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STATIC_JS = fileURLToPath(new URL('../../main/resources/static/js/', import.meta.url));

let scripts = null;

let loads = 0;

/**
 * Loads one of the UI's modules afresh (as a browser does on each page load), from a copy
 * of static/js/ marked as ES modules: a Node without module detection (Debian's 18)
 * reads a .js file as CommonJS.
 * @param {string} name such as `install.js`
 */
export async function loadScript(name) {
	copyScripts();
	return import(pathToFileURL(join(scripts, name)).href + '?load=' + ++loads);
}

/**
 * Replaces a module of the copy, such as one that imports from a webjar Node cannot load.
 * @param {string} name such as `charts.js`
 * @param {string} text the module's code
 */
export function stubScript(name, text) {
	copyScripts();
	writeFileSync(join(scripts, name), text);
}

function copyScripts() {
	if (!scripts) {
		scripts = mkdtempSync(join(tmpdir(), 'pyapp-ui-scripts-'));
		cpSync(STATIC_JS, scripts, { recursive: true });
		writeFileSync(join(scripts, 'package.json'), '{ "type": "module" }\n');
	}
}

/** Removes the copy of the modules (call it in an `after` hook). */
export function removeScripts() {
	if (scripts) {
		rmSync(scripts, { recursive: true, force: true });
		scripts = null;
	}
}

class FakeClassList {
	constructor() {
		this.names = new Set();
	}

	add(...names) {
		names.forEach((name) => this.names.add(name));
	}

	remove(...names) {
		names.forEach((name) => this.names.delete(name));
	}

	contains(name) {
		return this.names.has(name);
	}

	toggle(name, force) {
		const on = force === undefined ? !this.names.has(name) : force;
		if (on) {
			this.names.add(name);
		} else {
			this.names.delete(name);
		}
		return on;
	}

	toString() {
		return [...this.names].join(' ');
	}
}

export class FakeElement {
	constructor(tag, id) {
		this.tagName = tag.toUpperCase();
		this.id = id || '';
		this.ownText = '';
		this.hidden = false;
		this.value = '';
		this.files = [];
		this.children = [];
		this.attributes = {};
		this.dataset = {};
		this.listeners = {};
		this.classList = new FakeClassList();
		this.scrollTop = 0;
		this.scrollHeight = 0;
		this.onclick = null;
		this.parentNode = null;
	}

	get textContent() {
		return this.ownText + this.children.map((child) => child.textContent).join('');
	}

	set textContent(text) {
		this.children = [];
		this.ownText = String(text ?? '');
	}

	setAttribute(name, value) {
		this.attributes[name] = String(value);
		if (name === 'id') {
			this.id = String(value);
		}
		if (name === 'class') {
			this.classList = new FakeClassList();
			this.classList.add(...String(value).split(/\s+/).filter(Boolean));
		}
	}

	getAttribute(name) {
		return name === 'class' ? this.classList.toString() : (this.attributes[name] ?? null);
	}

	removeAttribute(name) {
		delete this.attributes[name];
	}

	append(...nodes) {
		for (const node of nodes) {
			this.children.push(this.adopt(node));
		}
	}

	/** Puts nodes first, as Element.prepend. */
	prepend(...nodes) {
		this.children.unshift(...nodes.map((node) => this.adopt(node)));
	}

	/** Puts a node right after this one in its parent, as Element.after. */
	after(node) {
		const parent = this.parentNode;
		const adopted = parent.adopt(node);
		parent.children.splice(parent.children.indexOf(this) + 1, 0, adopted);
	}

	/** Takes this element out of its parent. */
	remove() {
		if (this.parentNode) {
			this.parentNode.children.splice(this.parentNode.children.indexOf(this), 1);
			this.parentNode = null;
		}
	}

	/** A node made this element's child: taken from where it was, text wrapped. */
	adopt(node) {
		const child = node instanceof FakeElement ? node : new FakeText(String(node));
		child.remove();
		child.parentNode = this;
		return child;
	}

	get lastChild() {
		return this.children[this.children.length - 1] ?? null;
	}

	get firstElementChild() {
		return this.children.find((child) => !(child instanceof FakeText)) ?? null;
	}

	get nextElementSibling() {
		const siblings = this.parentNode ? this.parentNode.children : [];
		return siblings.slice(siblings.indexOf(this) + 1).find((child) => !(child instanceof FakeText)) ?? null;
	}

	// as in a browser, a null or undefined becomes the text "null" or "undefined"
	replaceChildren(...nodes) {
		this.textContent = '';
		this.append(...nodes);
	}

	addEventListener(type, listener) {
		(this.listeners[type] ||= []).push(listener);
	}

	dispatch(type, event = {}) {
		const full = { type, target: this, preventDefault() {}, ...event };
		(this.listeners[type] || []).forEach((listener) => listener(full));
	}

	focus() {
	}

	/** A descendant by `#id`; any other selector finds nothing. */
	querySelector(selector) {
		const id = /^#([\w-]+)$/.exec(selector);
		return id ? this.find(id[1]) : null;
	}

	/** The descendants a `tag[data-name]` selector finds; any other selector finds nothing. */
	querySelectorAll(selector) {
		const match = /^(\w+)\[data-([\w-]+)\]$/.exec(selector);
		if (!match) {
			return [];
		}
		const key = match[2].replace(/-(\w)/g, (all, letter) => letter.toUpperCase());
		const found = [];
		const visit = (element) => {
			for (const child of element.children) {
				if (child.tagName === match[1].toUpperCase() && key in child.dataset) {
					found.push(child);
				}
				visit(child);
			}
		};
		visit(this);
		return found;
	}

	/** Whether a node is this element or one of its descendants. */
	contains(node) {
		return node === this || this.children.some((child) => child.contains(node));
	}

	/** This element or a descendant with the id. */
	find(id) {
		if (this.id === id) {
			return this;
		}
		for (const child of this.children) {
			const found = child instanceof FakeElement ? child.find(id) : null;
			if (found) {
				return found;
			}
		}
		return null;
	}
}

class FakeText extends FakeElement {
	constructor(text) {
		super('#text');
		this.ownText = text;
	}
}

/** A JSON-RPC answer the test gives when it chooses to. */
export class Held {
	constructor(method, params, signal) {
		this.method = method;
		this.params = params;
		this.aborted = false;
		this.promise = new Promise((resolve, reject) => {
			this.resolve = resolve;
			signal?.addEventListener('abort', () => {
				this.aborted = true;
				reject(new DOMException('The operation was aborted.', 'AbortError'));
			});
		});
	}

	/** Answers with a result. */
	result(result) {
		this.resolve({ result });
	}

	/** Answers with an error object. */
	error(error) {
		this.resolve({ error });
	}
}

/**
 * Installs a fresh page in the global scope.
 * @param {Object<string, function(object, AbortSignal): (object|Held)>} handlers what each
 * method answers: a result, or a Held answer
 * @returns the page: `byId`, `calls` (method names in order), `held` (held answers in order)
 */
export function installPage(handlers) {
	const elements = new Map();
	const byId = (id) => {
		if (!elements.has(id)) {
			elements.set(id, new FakeElement('div', id));
		}
		return elements.get(id);
	};
	const page = { byId, calls: [], held: [] };
	globalThis.Node = FakeElement;
	globalThis.document = {
		querySelector(selector) {
			const id = /^#([\w-]+)$/.exec(selector);
			if (id) {
				return byId(id[1]);
			}
			return null;
		},
		querySelectorAll() {
			return [];
		},
		createElement(tag) {
			return new FakeElement(tag);
		},
		createTextNode(text) {
			return new FakeText(String(text));
		},
		getElementById(id) {
			return elements.get(id) ?? null;
		},
		body: new FakeElement('body'),
		activeElement: null,
		// no element is in this page's tree: focus is never moved back
		contains() {
			return false;
		},
	};
	globalThis.window = { location: { assign() {}, reload() {}, search: '', pathname: '/' } };
	globalThis.location = globalThis.window.location;
	globalThis.history = { replaceState() {} };
	globalThis.FormData = class {
		append() {
		}

		entries() {
			return [][Symbol.iterator]();
		}
	};
	globalThis.XMLHttpRequest = class {
		constructor() {
			this.listeners = {};
			this.upload = { addEventListener() {} };
		}

		open() {
		}

		setRequestHeader() {
		}

		addEventListener(type, listener) {
			this.listeners[type] = listener;
		}

		send() {
			setTimeout(() => {
				this.status = 200;
				this.response = { archive: 'a1b2c3' };
				this.listeners.load();
			}, 0);
		}
	};
	globalThis.fetch = async (url, options) => {
		if (url !== '/rpc') {
			// a page's own POST, such as the configuration form's fields: answered as text
			const handler = handlers['POST ' + url];
			if (!handler) {
				throw new Error('no handler for POST ' + url);
			}
			page.calls.push('POST ' + url);
			const text = handler(JSON.parse(options.body));
			return { ok: true, status: 200, text: async () => text };
		}
		const request = JSON.parse(options.body);
		if (Array.isArray(request)) {
			// a batch: each call answered at once, in order
			const replies = request.map((call) => {
				page.calls.push(call.method);
				const handler = handlers[call.method];
				if (!handler) {
					throw new Error('no handler for ' + call.method);
				}
				return { jsonrpc: '2.0', id: call.id, result: handler(call.params || {}, options.signal) };
			});
			return { ok: true, status: 200, json: async () => replies };
		}
		page.calls.push(request.method);
		const handler = handlers[request.method];
		if (!handler) {
			throw new Error('no handler for ' + request.method);
		}
		let answer = handler(request.params || {}, options.signal);
		if (answer instanceof Held) {
			page.held.push(answer);
			answer = await answer.promise;
		} else {
			answer = { result: answer };
		}
		return { ok: true, status: 200, json: async () => ({ jsonrpc: '2.0', id: request.id, ...answer }) };
	};
	return page;
}

/** Waits until a condition holds, or fails after a timeout. */
export async function until(condition, what, timeout = 5000) {
	const deadline = Date.now() + timeout;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error('timed out waiting for ' + what);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export function pause(millis) {
	return new Promise((resolve) => setTimeout(resolve, millis));
}
