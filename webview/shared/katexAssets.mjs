// Copies KaTeX's stylesheet and its woff2 fonts into dist/webview/katex/ (the stylesheet finds them
// as fonts/…, beside it), so webviews link them through asWebviewUri under their CSP. Browsers that
// load webviews all take woff2, the first source KaTeX's @font-face lists; the woff/ttf fallbacks
// are left out of the VSIX. Called by scripts/build.mjs; also runnable on its own:
//   node webview/shared/katexAssets.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @param {string} webviewDist the dist/webview folder */
export function copyKatexAssets(webviewDist = path.join(root, 'dist', 'webview')) {
  const src = path.join(root, 'node_modules', 'katex', 'dist');
  if (!fs.existsSync(src)) throw new Error(`${src} is missing: run npm install (katex is a dependency)`);
  const out = path.join(webviewDist, 'katex');
  fs.mkdirSync(path.join(out, 'fonts'), { recursive: true });
  fs.copyFileSync(path.join(src, 'katex.min.css'), path.join(out, 'katex.min.css'));
  for (const f of fs.readdirSync(path.join(src, 'fonts'))) {
    if (f.endsWith('.woff2')) fs.copyFileSync(path.join(src, 'fonts', f), path.join(out, 'fonts', f));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) copyKatexAssets();
