// Curator list timing in headless Chromium: the real page (virtualised list) at 50,000 and 1,000
// prompts against a baseline that puts every row in the DOM, measured in the same run.
//   load    — dispatching the host's messages (datasetBegin, 5,000-row chunks, datasetEnd) until the
//             list shows them and a frame is drawn (validation, indexing, first render);
//   filter  — a source filter change until the next frame;
//   scroll  — frame-to-frame time while jumping the scroll position every frame (frame-rate limit
//             off, so a frame takes as long as its work).
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_PATH, openCuratorPage, syntheticRows } from '../test/webview/curatorPage';
import { ROW_CHUNK_SIZE, type CuratorRow } from '../src/core/protocol/curator';

const UNTHROTTLED = ['--disable-gpu-vsync', '--disable-frame-rate-limit'];
const SCROLL_FRAMES = 150;

interface Figures { loadMs: number; filterMs: number; scrollMeanMs: number; scrollP95Ms: number; domRows: number }

function messagesFor(rows: CuratorRow[]): unknown[] {
  const out: unknown[] = [{ type: 'datasetBegin', name: 'bench.jsonl', total: rows.length, curated: true }];
  for (let o = 0; o < rows.length; o += ROW_CHUNK_SIZE) out.push({ type: 'rows', offset: o, rows: rows.slice(o, o + ROW_CHUNK_SIZE) });
  out.push({ type: 'datasetEnd', skippedLines: 0 });
  return out;
}

// In-page scripts are strings: tsx would wrap inner closures in a `__name` helper the page lacks.
const SCROLL_SCRIPT = (frames: number, selector: string) => `(async () => {
  const l = document.querySelector(${JSON.stringify(selector)});
  const max = l.scrollHeight - l.clientHeight;
  const deltas = [];
  await new Promise((r) => requestAnimationFrame(() => r()));
  let last = performance.now();
  for (let i = 1; i <= ${frames}; i++) {
    l.scrollTop = (i * 7919 * 44) % max;
    await new Promise((r) => requestAnimationFrame(() => r()));
    const now = performance.now();
    deltas.push(now - last);
    last = now;
  }
  return deltas;
})()`;

function stats(deltas: number[]): { mean: number; p95: number } {
  const sorted = [...deltas].sort((a, b) => a - b);
  return { mean: deltas.reduce((a, b) => a + b, 0) / deltas.length, p95: sorted[Math.floor(sorted.length * 0.95)] };
}

async function measureCurator(rows: CuratorRow[]): Promise<Figures> {
  const p = await openCuratorPage({ width: 360, height: 800, chromiumArgs: UNTHROTTLED });
  try {
    await p.page.evaluate((json) => { (window as any).__stage = JSON.parse(json); }, JSON.stringify(messagesFor(rows)));
    const expected = `${rows.length.toLocaleString('en-US')} prompts`;
    const loadMs = await p.page.evaluate(`(async () => {
      const counts = document.getElementById('counts');
      const t0 = performance.now();
      const done = new Promise((r) => {
        const check = () => { if (counts.textContent === ${JSON.stringify(expected)}) { obs.disconnect(); r(); } };
        const obs = new MutationObserver(check);
        obs.observe(counts, { childList: true, characterData: true, subtree: true });
      });
      for (const m of window.__stage) window.postMessage(m, '*');
      await done;
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    })()`) as number;
    const filterMs = await p.page.evaluate(`(async () => {
      const sel = document.getElementById('f-source');
      const times = [];
      for (const v of ['aime', '']) {
        const t0 = performance.now();
        sel.value = v;
        sel.dispatchEvent(new Event('change'));
        await new Promise((r) => requestAnimationFrame(() => r()));
        times.push(performance.now() - t0);
      }
      return times.reduce((a, b) => a + b, 0) / times.length;
    })()`) as number;
    const s = stats(await p.page.evaluate(SCROLL_SCRIPT(SCROLL_FRAMES, '#list')) as number[]);
    const domRows = await p.page.locator('#list .vlist-row').count();
    return { loadMs, filterMs, scrollMeanMs: s.mean, scrollP95Ms: s.p95, domRows };
  } finally {
    await p.close();
  }
}

/** Every row in the DOM, same row structure and stylesheet, no windowing. */
async function measureBaseline(rows: CuratorRow[]): Promise<Figures> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', ...UNTHROTTLED] });
  try {
    const page: Page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    await page.setContent(`<style>
      body { margin: 0; font: 13px sans-serif; } #list { height: 400px; overflow-y: auto; }
      .row { height: 44px; display: flex; align-items: center; gap: 6px; padding: 0 6px; box-sizing: border-box; }
      .row-main { flex: 1; min-width: 0; } .row-title, .row-meta { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    </style><div id="list"></div>`);
    await page.evaluate((json) => { (window as any).__rows = JSON.parse(json); }, JSON.stringify(rows));
    const build = `(rows) => {
      const frag = document.createDocumentFragment();
      for (const r of rows) {
        const row = document.createElement('div'); row.className = 'row';
        const icon = document.createElement('span'); icon.textContent = r.status === 'removed' ? '⊘' : '✓';
        const main = document.createElement('div'); main.className = 'row-main';
        const title = document.createElement('div'); title.className = 'row-title'; title.textContent = r.text.replace(/\\s+/g, ' ').slice(0, 300);
        const meta = document.createElement('div'); meta.className = 'row-meta'; meta.textContent = [r.id, r.source, ...r.reasons].join(' · ');
        const label = document.createElement('span'); label.textContent = r.label ? r.label.decision : '';
        main.append(title, meta); row.append(icon, main, label); frag.append(row);
      }
      const list = document.getElementById('list'); list.textContent = ''; list.append(frag);
    }`;
    const loadMs = await page.evaluate(`(async () => {
      const build = ${build};
      const t0 = performance.now();
      build(window.__rows);
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    })()`) as number;
    const filterMs = await page.evaluate(`(async () => {
      const build = ${build};
      const times = [];
      for (const v of ['aime', '']) {
        const t0 = performance.now();
        build(v ? window.__rows.filter((r) => r.source === v) : window.__rows);
        await new Promise((r) => requestAnimationFrame(() => r()));
        times.push(performance.now() - t0);
      }
      return times.reduce((a, b) => a + b, 0) / times.length;
    })()`) as number;
    const s = stats(await page.evaluate(SCROLL_SCRIPT(SCROLL_FRAMES, '#list')) as number[]);
    const domRows = await page.locator('#list .row').count();
    return { loadMs, filterMs, scrollMeanMs: s.mean, scrollP95Ms: s.p95, domRows };
  } finally {
    await browser.close();
  }
}

function row(name: string, a: number, b: number, digits = 1): string {
  return `${name.padEnd(28)}${a.toFixed(digits).padStart(12)}${b.toFixed(digits).padStart(16)}${(b / a).toFixed(1).padStart(9)}×`;
}

export async function run(): Promise<void> {
  const big = syntheticRows(50_000);
  const small = big.slice(0, 1000);
  const virtualBig = await measureCurator(big);
  const baselineBig = await measureBaseline(big);
  const virtualSmall = await measureCurator(small);

  console.log('curator list, headless Chromium, 360×800 view, frame-rate limit off');
  console.log(`${'50,000 prompts'.padEnd(28)}${'virtualised'.padStart(12)}${'all rows in DOM'.padStart(16)}${'ratio'.padStart(10)}`);
  console.log(row('load + first frame (ms)', virtualBig.loadMs, baselineBig.loadMs));
  console.log(row('filter change (ms)', virtualBig.filterMs, baselineBig.filterMs));
  console.log(row('scroll frame mean (ms)', virtualBig.scrollMeanMs, baselineBig.scrollMeanMs, 2));
  console.log(row('scroll frame p95 (ms)', virtualBig.scrollP95Ms, baselineBig.scrollP95Ms, 2));
  console.log(row('row elements in the DOM', virtualBig.domRows, baselineBig.domRows, 0));
  console.log(`virtualised at 1,000 prompts: load ${virtualSmall.loadMs.toFixed(1)} ms, filter ${virtualSmall.filterMs.toFixed(1)} ms, `
    + `scroll frame mean ${virtualSmall.scrollMeanMs.toFixed(2)} ms / p95 ${virtualSmall.scrollP95Ms.toFixed(2)} ms `
    + `(50,000 vs 1,000: scroll ×${(virtualBig.scrollMeanMs / virtualSmall.scrollMeanMs).toFixed(2)}, filter ×${(virtualBig.filterMs / virtualSmall.filterMs).toFixed(1)})`);
}
