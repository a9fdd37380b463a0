// The address of an app's page and the params of its calls, for an app of this server
// and for one on a node.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadScript, removeScripts } from './fake-page.mjs';

after(removeScripts);

test("this server's app keeps its addresses and its calls name no node", async () => {
	const { appHref, appTarget } = await loadScript('app-target.js');
	const target = appTarget({ dataset: { app: 'blog' } });

	assert.equal(target.node, null);
	assert.equal(target.label, 'blog');
	assert.deepEqual(target.params({ name: 'blog' }), { name: 'blog' });
	assert.equal(target.href(), '/apps/blog');
	assert.equal(appHref('blog', null, '/config'), '/apps/blog/config');
});

test("a node's app: each call names the node, each address carries it encoded", async () => {
	const { appHref, appTarget } = await loadScript('app-target.js');
	const target = appTarget({ dataset: { app: 'blog', node: 'web2' } });
	const params = { name: 'blog' };

	assert.equal(target.label, 'blog on node web2');
	assert.deepEqual(target.params(params), { name: 'blog', node: 'web2' });
	assert.deepEqual(params, { name: 'blog' }, 'the caller\'s params are not changed');
	assert.deepEqual(target.params(), { node: 'web2' });
	assert.equal(target.href('/config'), '/apps/blog/config?node=web2');
	assert.equal(appHref('blog', 'a&b c', ''), '/apps/blog?node=a%26b+c');
});
