// Which server an app page is for: an app of this server, or an app on a node (the page's
// data-node, from /apps/NAME?node=NODE). The API forwards a call whose params name a node
// to that node's agent, so every call of a node's app page carries the node.

/**
 * The address of an app's page, or of one of its sub-pages.
 * @param {string} name the app
 * @param {?string} node its node, or null for this server's app
 * @param {string} [suffix] such as `/config`
 * @returns {string} such as `/apps/blog/config?node=web2`
 */
export function appHref(name, node, suffix = '') {
	return '/apps/' + encodeURIComponent(name) + suffix + (node ? '?' + new URLSearchParams({ node }).toString() : '');
}

/**
 * The app of a page and where its calls go.
 * @param {{dataset: {app: string, node?: string}}} page the page's section
 * @returns {{name: string, node: ?string, label: string, params: function(object=): object,
 *     href: function(string=): string}}
 */
export function appTarget(page) {
	const name = page.dataset.app;
	const node = page.dataset.node || null;
	return {
		name,
		node,
		// how the page names the app in its messages
		label: node ? name + ' on node ' + node : name,
		params: (params = {}) => (node ? { ...params, node } : { ...params }),
		href: (suffix = '') => appHref(name, node, suffix),
	};
}
