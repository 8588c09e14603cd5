// What every webview page of ours shares: a per-load nonce, the strict Content-Security-Policy
// (scripts only with that nonce, styles/fonts/images only from the extension's own files, nothing
// else), and attribute escaping. No vscode import, so webview tests build the very same markup.
import { randomBytes } from 'node:crypto';

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The CSP meta tag's content. `imgData` also allows data: images (uPlot's legend markers). */
export function contentSecurityPolicy(cspSource: string, nonce: string, opts: { imgData?: boolean } = {}): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('the nonce must be at least 16 base64/url-safe characters');
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}${opts.imgData ? ' data:' : ''}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
