// Loads the curator webview exactly as the extension serves it (curatorHtml + dist/webview/curator.js,
// same CSP) in headless Chromium, with a fake acquireVsCodeApi that records what the page posts.
// Shared by test/webview/curator.test.ts and bench/curator.bench.ts.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { distPath } from '../../src/core/util/paths';
import { curatorHtml } from '../../src/extension/curator/html';
import { ROW_CHUNK_SIZE, type CuratorHostMessage, type CuratorRow } from '../../src/core/protocol/curator';

export const CHROMIUM_PATH = process.env.ACEREASON_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'http://curator.test';

/** A dark theme's worth of the variables VS Code injects into webviews, for realistic screenshots. */
const DARK_THEME_VARS = `
body {
  --vscode-font-family: -apple-system, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "Droid Sans Mono", monospace; --vscode-editor-font-size: 12px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-disabledForeground: #8b8b8b;
  --vscode-sideBar-background: #181818; --vscode-editor-background: #1f1f1f; --vscode-focusBorder: #0078d4;
  --vscode-panel-border: #2b2b2b; --vscode-widget-border: #313131; --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-inactiveSelectionBackground: #37373d; --vscode-list-focusOutline: #0078d4;
  --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c; --vscode-charts-yellow: #cca700;
  --vscode-textCodeBlock-background: #2b2b2b; --vscode-icon-foreground: #cccccc; --vscode-toolbar-hoverBackground: #5a5d5e50;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c;
  --vscode-input-placeholderForeground: #989898; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1; --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-button-border: #ffffff12; --vscode-dropdown-background: #313131; --vscode-dropdown-border: #3c3c3c;
  --vscode-dropdown-foreground: #cccccc; --vscode-settings-dropdownListBorder: #454545;
  --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-inputValidation-errorBorder: #be1100;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8; --vscode-sideBarSectionHeader-background: #181818;
  --vscode-tree-inactiveIndentGuidesStroke: #58585840;
}`;

export interface CuratorPage {
  browser: Browser;
  page: Page;
  /** Messages the page posted to the (fake) host, in order. */
  posted(): Promise<any[]>;
  clearPosted(): Promise<void>;
  send(message: CuratorHostMessage | unknown): Promise<void>;
  /** Content-Security-Policy violations the page reported. */
  cspViolations(): Promise<string[]>;
  dialogs: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openCuratorPage(opts: { width?: number; height?: number; theme?: boolean; chromiumArgs?: string[]; layout?: 'sidebar' | 'editor' } = {}): Promise<CuratorPage> {
  const script = distPath('webview', 'curator.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const html = curatorHtml({
    cspSource: ORIGIN,
    scriptUri: `${ORIGIN}/curator.js`,
    styleUri: `${ORIGIN}/curator-style.css`,
    codiconUri: `${ORIGIN}/codicon.css`,
    katexStyleUri: `${ORIGIN}/katex/katex.min.css`,
    layout: opts.layout,
  });
  const themed = opts.theme === false ? html
    : html.replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n</head>`).replace('<body ', '<body class="vscode-dark" ');

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...(opts.chromiumArgs ?? [])] });
  const page = await browser.newPage({ viewport: { width: opts.width ?? 360, height: opts.height ?? 800 } });
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: themed });
    if (name === 'theme.css') return route.fulfill({ contentType: 'text/css', body: DARK_THEME_VARS });
    // Files under dist/webview, sub-folders included (katex/fonts/…), never outside it.
    const root = distPath('webview');
    const file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : file.endsWith('.woff2') ? 'font/woff2' : 'application/octet-stream';
    return route.fulfill({ contentType: type, body: fs.readFileSync(file) });
  });
  // A string, not a function: tsx would wrap inner closures in a `__name` helper the page lacks.
  await page.addInitScript(`(() => {
    window.__posted = [];
    window.__csp = [];
    let state;
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => state,
        setState: (s) => { state = s; },
      };
    };
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
  })()`);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));

  return {
    browser, page, dialogs, pageErrors,
    posted: () => page.evaluate(() => (window as any).__posted),
    clearPosted: () => page.evaluate(() => { (window as any).__posted.length = 0; }),
    // JSON text crosses the devtools protocol much faster than playwright's structured serialiser.
    send: (message) => page.evaluate((json) => { window.postMessage(JSON.parse(json), '*'); }, JSON.stringify(message)),
    cspViolations: () => page.evaluate(() => (window as any).__csp),
    close: () => browser.close(),
  };
}

/** Streams a dataset into the page the way the host does: begin, chunks, end. */
export async function loadRows(p: CuratorPage, rows: CuratorRow[], name = 'test.jsonl', curated = true): Promise<void> {
  await p.send({ type: 'datasetBegin', name, total: rows.length, curated });
  for (let offset = 0; offset < rows.length; offset += ROW_CHUNK_SIZE) {
    await p.send({ type: 'rows', offset, rows: rows.slice(offset, offset + ROW_CHUNK_SIZE) });
  }
  await p.send({ type: 'datasetEnd', skippedLines: 0 });
}

const SOURCES = ['deepscaler', 'numina_olympiads', 'math', 'aime'];
const REASONS = ['multiple-choice', 'proof', 'decontaminated', 'too-short'];

/** Deterministic synthetic rows: varied sources, statuses, reasons, difficulties and pass rates. */
export function syntheticRows(n: number): CuratorRow[] {
  const rows: CuratorRow[] = [];
  for (let i = 0; i < n; i++) {
    const removed = i % 5 === 0;
    rows.push({
      id: `p-${String(i).padStart(5, '0')}`,
      source: SOURCES[i % SOURCES.length],
      domain: 'math',
      text: `Problem ${i}: compute the sum of the first ${i + 3} primes${i % 7 === 0 ? ' modulo a triangle' : ''}.`,
      status: removed ? 'removed' : 'kept',
      reasons: removed ? [REASONS[(i / 5) % REASONS.length]] : [],
      label: null,
      difficulty: i % 3 === 0 ? null : i % 9,
      passRate: i % 4 === 0 ? null : (i % 11) / 10,
    });
  }
  return rows;
}
