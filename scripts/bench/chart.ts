// The chart of the bench: latency (signal → AMS against a direct PATCH) and throughput
// (lifecycles against the trivial workflow's ceiling) by concurrency, drawn as an SVG
// and turned into a PNG by Debian's Chromium through playwright-core, as the Web UI
// test drives it: no new dependency, nothing native to build.
import { existsSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../../test/helpers/webui-browser.js';
import { formatNumber, type BenchResult } from './report.js';

interface Series {
  name: string;
  color: string;
  values: number[];
}

const W = 560;
const H = 380;
const PAD = { left: 60, right: 16, top: 40, bottom: 70 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Grouped bars, one group per concurrency level, with each value written above its bar. */
function bars(x0: number, title: string, unit: string, groups: string[], series: Series[]): string {
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const out = [`<g transform="translate(${x0},0)">`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`];
  out.push(`<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#333"/>`);
  out.push(`<text x="14" y="${PAD.top + plotH / 2}" font-size="12" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">${esc(unit)}</text>`);
  groups.forEach((g, gi) => {
    const gx = PAD.left + gi * groupW + groupW * 0.1;
    series.forEach((s, si) => {
      const v = s.values[gi] ?? Number.NaN;
      const h = Number.isFinite(v) ? PAD.top + plotH - y(v) : 0;
      const bx = gx + si * barW;
      out.push(`<rect x="${bx}" y="${PAD.top + plotH - h}" width="${barW - 2}" height="${h}" fill="${s.color}"/>`);
      out.push(`<text x="${bx + barW / 2}" y="${PAD.top + plotH - h - 3}" font-size="9" text-anchor="middle">${formatNumber(v)}</text>`);
    });
    out.push(`<text x="${gx + groupW * 0.4}" y="${PAD.top + plotH + 16}" font-size="12" text-anchor="middle">${esc(g)}</text>`);
  });
  series.forEach((s, si) => {
    const lx = PAD.left + (si % 3) * 165;
    const ly = H - 28 + Math.floor(si / 3) * 16;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="${ly}" font-size="11">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

export function chartSvg(result: BenchResult): string {
  const value = (id: string, key: string) => result.measurements.find((m) => m.id === id)?.metrics.find((x) => x.key === key)?.median ?? Number.NaN;
  const lat = result.sizes.latencyConcurrency;
  const tp = result.sizes.throughputConcurrency;
  const latencySeries: Series[] = [
    { name: 'durable p50', color: '#1f77b4', values: lat.map((c) => value('latency', `durable.p50@${c}`)) },
    { name: 'durable p95', color: '#6baed6', values: lat.map((c) => value('latency', `durable.p95@${c}`)) },
    { name: 'durable p99', color: '#c6dbef', values: lat.map((c) => value('latency', `durable.p99@${c}`)) },
    { name: 'direct p50', color: '#ff7f0e', values: lat.map((c) => value('latency', `direct.p50@${c}`)) },
    { name: 'direct p99', color: '#fdae6b', values: lat.map((c) => value('latency', `direct.p99@${c}`)) },
  ];
  const throughputSeries: Series[] = [
    { name: 'full lifecycles', color: '#2ca02c', values: tp.map((c) => value('throughput', `lifecycles@${c}`)) },
    { name: 'trivial workflow (ceiling)', color: '#9467bd', values: tp.map((c) => value('throughput', `trivial@${c}`)) },
  ];
  const label = (c: number) => `${c} at once`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 20}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    bars(0, 'Change → AMS latency (medians of runs)', 'ms', lat.map(label), latencySeries),
    bars(W, 'Throughput', 'per second', tp.map(label), throughputSeries),
    `<text x="${W}" y="${H + 12}" font-size="10" text-anchor="middle" fill="#555">${esc(`${result.quick ? '--quick, ' : ''}${result.runs} run(s), ${result.finishedAt}`)}</text>`,
    '</svg>',
  ].join('\n');
}

/** Writes `base`.svg and, where Chromium is installed, `base`.png; answers the PNG's path or why not. */
export async function drawChart(result: BenchResult, base: string): Promise<{ png?: string; svg: string; note?: string }> {
  const svg = chartSvg(result);
  writeFileSync(`${base}.svg`, svg);
  if (!existsSync(CHROMIUM_PATH)) return { svg: `${base}.svg`, note: `${CHROMIUM_PATH} is missing (bash scripts/setup-browser.sh): SVG only` };
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 2 * W, height: H + 20 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').first().screenshot({ path: `${base}.png` });
  } finally {
    await browser.close();
  }
  return { svg: `${base}.svg`, png: `${base}.png` };
}
