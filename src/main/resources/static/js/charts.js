// Charts of apps.metrics with uPlot (served from the jar as a WebJar; no CDN, no inline
// script). Each chart's container gets data-points: how many non-null values it drew,
// so that a test (and a person with dev tools) can tell an empty chart from a drawn one.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { el } from './ui.js';

const COLOURS = { '2xx': '#2e7d32', '3xx': '#1565c0', '4xx': '#ef6c00', '5xx': '#c62828', other: '#6a1b9a' };

function restartMarks(times, restarts) {
	// a vertical red line where the daemon was restarted after a crash
	return {
		hooks: {
			draw: [(u) => {
				const { ctx } = u;
				ctx.save();
				ctx.strokeStyle = '#c62828';
				ctx.setLineDash([4, 4]);
				restarts.forEach((count, index) => {
					if (count > 0) {
						const x = Math.round(u.valToPos(times[index], 'x', true));
						ctx.beginPath();
						ctx.moveTo(x, u.bbox.top);
						ctx.lineTo(x, u.bbox.top + u.bbox.height);
						ctx.stroke();
					}
				});
				ctx.restore();
			}],
		},
	};
}

function counted(data) {
	return data.slice(1).reduce((sum, values) => sum + values.filter((value) => value !== null
		&& value !== undefined).length, 0);
}

function plot(container, title, series, data, extra = {}) {
	container.replaceChildren();
	const width = Math.max(260, container.clientWidth || 480);
	const options = {
		title,
		width,
		height: extra.height || 180,
		series: [{}, ...series],
		axes: [{}, extra.format ? { size: 70, values: (u, values) => values.map(extra.format) } : { size: 70 }],
		plugins: extra.plugins || [],
		legend: { show: extra.legend !== false },
		scales: { y: { range: (u, min, max) => [0, Math.max(max || 0, extra.minMax || 0)] } },
	};
	const chart = new uPlot(options, data, container);
	container.dataset.points = String(counted(data));
	return chart;
}

function bytes(value) {
	if (value === null || value === undefined) {
		return '';
	}
	const units = ['B', 'KiB', 'MiB', 'GiB'];
	let size = value;
	let unit = 0;
	while (size >= 1024 && unit < units.length - 1) {
		size /= 1024;
		unit++;
	}
	return size.toFixed(size < 10 && unit > 0 ? 1 : 0) + ' ' + units[unit];
}

function seconds(value) {
	if (value === null || value === undefined) {
		return '';
	}
	return value < 1 ? (value * 1000).toFixed(0) + ' ms' : value.toFixed(2) + ' s';
}

/**
 * Draws an app's four charts into the element with [data-chart=…] children:
 * requests, latency, cpu, memory.
 * @param {Element} root
 * @param {object} metrics the result of apps.metrics
 */
export function drawAppCharts(root, metrics) {
	const times = metrics.times || [];
	const marks = restartMarks(times, metrics.restarts || []);
	const classes = Object.keys(metrics.requests || {}).filter((name) => name !== 'other'
		|| (metrics.requests.other || []).some((value) => value));
	plot(root.querySelector('[data-chart=requests]'), 'Requests per second by status',
		classes.map((name) => ({ label: name, stroke: COLOURS[name] || '#444', width: 2 })),
		[times, ...classes.map((name) => metrics.requests[name])], { plugins: [marks] });
	plot(root.querySelector('[data-chart=latency]'), 'Latency',
		[{ label: 'p50', stroke: '#1565c0', width: 2, value: (u, v) => seconds(v) },
			{ label: 'p95', stroke: '#ef6c00', width: 2, value: (u, v) => seconds(v) }],
		[times, metrics.latency_p50 || [], metrics.latency_p95 || []], { plugins: [marks], format: seconds });
	plot(root.querySelector('[data-chart=cpu]'), 'CPU (cores)',
		[{ label: 'cpu', stroke: '#6a1b9a', width: 2, value: (u, v) => (v === null ? '' : v.toFixed(3)) }],
		[times, metrics.cpu || []], { plugins: [marks] });
	const limit = metrics.memory_limit || [];
	const hasLimit = limit.some((value) => value !== null && value !== undefined);
	const memorySeries = [{ label: 'resident', stroke: '#2e7d32', width: 2, value: (u, v) => bytes(v) }];
	const memoryData = [times, metrics.memory || []];
	if (hasLimit) {
		memorySeries.push({ label: 'limit', stroke: '#c62828', width: 1, dash: [6, 4], value: (u, v) => bytes(v) });
		memoryData.push(limit);
	}
	const memory = root.querySelector('[data-chart=memory]');
	plot(memory, 'Memory' + (hasLimit ? '' : ' (no memory limit in force)'), memorySeries, memoryData,
		{ plugins: [marks], format: bytes });
	memory.dataset.limit = hasLimit ? 'yes' : 'no';
	root.querySelector('[data-chart=restarts]').textContent = (metrics.restarts || []).reduce((a, b) => a + b, 0)
		+ ' restart(s) after a crash in this range (dashed red lines).';
}

/**
 * A small line of requests per second (all statuses) for the dashboard.
 * @param {object} metrics the result of apps.metrics
 * @returns {Element}
 */
export function sparkline(metrics) {
	const box = el('span', { class: 'sparkline', role: 'img' });
	const times = metrics.times || [];
	const total = times.map((t, index) => {
		let sum = null;
		for (const values of Object.values(metrics.requests || {})) {
			const value = values[index];
			if (value !== null && value !== undefined) {
				sum = (sum || 0) + value;
			}
		}
		return sum;
	});
	box.setAttribute('aria-label', 'Requests per second over the last hour');
	document.body.append(box);
	new uPlot({ width: 120, height: 30, legend: { show: false }, cursor: { show: false },
		axes: [{ show: false }, { show: false }],
		scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(max || 0, 0.01)] } },
		series: [{}, { stroke: '#1565c0', width: 1.5, fill: 'rgba(21,101,192,0.12)' }] }, [times, total], box);
	box.dataset.points = String(total.filter((value) => value !== null).length);
	box.remove();
	return box;
}
