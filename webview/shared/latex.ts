// LaTeX in model text for every webview (dashboard samples, the curator): KaTeX, bundled with the
// webview, so nothing is fetched. CSP-safe: `katex.render` builds DOM nodes (no HTML strings, no
// inline <style>, no scripts; its sizes are set through the CSSOM, which a style-src CSP allows), with
// `trust: false` so \href, \url and \includegraphics never become links or images. Text around the
// formulas goes in as text nodes. The page links katex/katex.min.css (fonts beside it, served through
// asWebviewUri). A formula KaTeX cannot parse stays as its source text, marked.
import katex from 'katex';
import { splitMath } from '../../src/core/runs/mathSegments';

const OPTIONS = { throwOnError: true, trust: false, strict: 'ignore', maxSize: 20, maxExpand: 200, output: 'htmlAndMathml' } as const;

/** Fills `target` with `text`, its math typeset. Returns how many formulas rendered. */
export function renderMathText(target: HTMLElement, text: string): number {
  target.replaceChildren();
  let rendered = 0;
  for (const seg of splitMath(text)) {
    if (seg.kind === 'text') {
      target.append(document.createTextNode(seg.text));
      continue;
    }
    const span = document.createElement(seg.display ? 'div' : 'span');
    span.className = seg.display ? 'math display' : 'math';
    try {
      katex.render(seg.tex, span, { ...OPTIONS, displayMode: seg.display });
      span.title = seg.source.length > 300 ? `${seg.source.slice(0, 300)}…` : seg.source;
      rendered++;
    } catch {
      span.className = 'math unparsed';
      span.textContent = seg.source;
      span.title = 'KaTeX could not parse this formula; shown as written';
    }
    target.append(span);
  }
  return rendered;
}

/**
 * A block that shows `text` with its math typeset and a "Raw" button beside it that switches to the
 * text exactly as written (and back). Typesetting waits until the block is first shown.
 */
export function mathBlock(text: string, opts: { className?: string; lazy?: boolean } = {}): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = `math-block${opts.className ? ` ${opts.className}` : ''}`;
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'raw-toggle secondary';
  toggle.dataset.mathToggle = '';
  const rendered = document.createElement('div');
  rendered.className = 'rendered';
  const raw = document.createElement('pre');
  raw.className = 'raw';
  raw.textContent = text;
  let typeset = false;
  const show = (asRaw: boolean) => {
    if (!asRaw && !typeset) {
      typeset = true;
      const n = renderMathText(rendered, text);
      wrap.dataset.formulas = String(n);
    }
    rendered.hidden = asRaw;
    raw.hidden = !asRaw;
    toggle.textContent = asRaw ? 'Rendered' : 'Raw';
    toggle.title = asRaw ? 'Show the text with its LaTeX typeset' : 'Show the text exactly as written';
    toggle.setAttribute('aria-pressed', String(asRaw));
    wrap.dataset.view = asRaw ? 'raw' : 'rendered';
  };
  toggle.addEventListener('click', () => show(wrap.dataset.view !== 'raw'));
  wrap.append(toggle, rendered, raw);
  if (opts.lazy) {
    rendered.hidden = true;
    raw.hidden = true;
    wrap.dataset.view = 'pending';
    toggle.textContent = 'Raw';
    (wrap as HTMLElement & { reveal?: () => void }).reveal = () => { if (wrap.dataset.view === 'pending') show(false); };
  } else {
    show(false);
  }
  return wrap;
}

/** Typesets a lazily created `mathBlock` (call when it is first shown). */
export function revealMathBlock(block: Element): void {
  (block as HTMLElement & { reveal?: () => void }).reveal?.();
}
