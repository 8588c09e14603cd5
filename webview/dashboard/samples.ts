// The samples pane: the latest sampled responses with reward, extracted and reference answers or test
// verdicts, filterable by stage and outcome. It never moves under the user: while the pointer is in the
// list, while an exclusion waits for its confirmation, or while "Pause" is
// on, new samples wait (a button says how many) instead of pushing cards down. Each card has a stable
// identity (run, step, stage, prompt, occurrence), so a card and its open sections survive new steps,
// and every action reads the sample of the very card it was clicked in. Text from the run goes in as
// text nodes (math typeset by KaTeX into DOM nodes) — never as markup.
import type { SampleRecord } from '../../src/core/protocol/trainer';
import { mathBlock, revealMathBlock } from '../shared/latex';

export interface ShownSample {
  /** Stable identity of this card. */
  id: string;
  key: string;
  sample: SampleRecord;
}

export type Outcome = 'all' | 'right' | 'wrong';

export interface SampleActions {
  open(s: ShownSample): void;
  /** Sends the decision; returns the request id its result will carry. */
  label(s: ShownSample, decision: 'exclude' | 'flag'): number;
  /** How a run is named and coloured (compare mode labels each card with its run). */
  runOf(key: string): { label: string; color: string; index: number } | undefined;
}

const MAX_SHOWN = 200;
const PREVIEW_CHARS = 4000;
const CONFIRM_PROMPT_CHARS = 240;

export function isRight(s: SampleRecord): boolean {
  return s.reward > 0;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text: string, className: string, action: string, title: string): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.dataset.action = action;
  b.title = title;
  return b;
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (${text.length - PREVIEW_CHARS} more characters — open in editor)` : text;
}

function testsSummary(s: SampleRecord): string | undefined {
  if (!s.tests?.length) return undefined;
  const passed = s.tests.filter((t) => /^(pass|passed|ok|ac)$/i.test(t.status)).length;
  return `${passed}/${s.tests.length} tests passed`;
}

export class SamplesPane {
  private samples: ShownSample[] = [];
  /** Arrived while the list was held; shown on release. */
  private waiting: { key: string; samples: readonly SampleRecord[]; replace: boolean }[] = [];
  private readonly cards = new Map<string, HTMLElement>();
  private readonly occurrences = new Map<string, number>();
  private readonly pendingLabels = new Map<number, string>();
  private stage = '';
  private outcome: Outcome = 'all';
  private paused = false;
  private pointerInside = false;
  private readonly list: HTMLElement;
  private readonly stageSelect: HTMLSelectElement;
  private readonly outcomeSelect: HTMLSelectElement;
  private readonly countEl: HTMLElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly waitingButton: HTMLButtonElement;
  private shownRuns = 1;

  constructor(root: HTMLElement, private readonly actions: SampleActions, private readonly capacity = 1000) {
    const bar = el('div', 'samples-toolbar');
    const title = el('h2', undefined, 'Samples');
    this.stageSelect = el('select');
    this.stageSelect.id = 'filter-stage';
    this.stageSelect.setAttribute('aria-label', 'Filter by stage');
    this.outcomeSelect = el('select');
    this.outcomeSelect.id = 'filter-outcome';
    this.outcomeSelect.setAttribute('aria-label', 'Filter by outcome');
    for (const [value, text] of [['all', 'Right and wrong'], ['right', 'Right only'], ['wrong', 'Wrong only']] as const) {
      const o = el('option', undefined, text);
      o.value = value;
      this.outcomeSelect.append(o);
    }
    this.countEl = el('span', 'count');
    this.pauseButton = button('Pause', 'secondary', 'pause', 'Stop new samples from entering the list (they wait until you resume)');
    this.pauseButton.id = 'samples-pause';
    this.pauseButton.setAttribute('aria-pressed', 'false');
    this.waitingButton = button('', 'primary', 'show-waiting', 'Show the samples that arrived while the list was held');
    this.waitingButton.id = 'samples-waiting';
    this.waitingButton.hidden = true;
    bar.append(title, this.stageSelect, this.outcomeSelect, this.countEl, this.pauseButton, this.waitingButton);
    this.list = el('div', 'sample-list');
    this.list.id = 'samples';
    root.append(bar, this.list);
    this.stageSelect.addEventListener('change', () => { this.stage = this.stageSelect.value; this.render(); });
    this.outcomeSelect.addEventListener('change', () => { this.outcome = this.outcomeSelect.value as Outcome; this.render(); });
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused));
    this.waitingButton.addEventListener('click', () => this.flush(true));
    this.list.addEventListener('click', (ev) => this.onClick(ev));
    this.list.addEventListener('pointerenter', () => { this.pointerInside = true; });
    this.list.addEventListener('pointerleave', () => { this.pointerInside = false; this.flush(); });
    this.renderStageOptions();
    this.render();
  }

  get filters(): { stage: string; outcome: Outcome } {
    return { stage: this.stage, outcome: this.outcome };
  }

  /** New samples are held back (not dropped) while this is true. */
  get held(): boolean {
    return this.paused || this.pointerInside || !!this.list.querySelector('.confirm:not([hidden])');
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.pauseButton.textContent = paused ? 'Resume' : 'Pause';
    this.pauseButton.setAttribute('aria-pressed', String(paused));
    if (!paused) this.flush();
  }

  setFilters(stage: string, outcome: Outcome): void {
    this.stage = stage;
    this.outcome = outcome;
    this.renderStageOptions();
    this.outcomeSelect.value = outcome;
    this.render();
  }

  /** Start over (another run shown): nothing is held back from the previous one. */
  clear(runCount = 1): void {
    this.samples = [];
    this.waiting = [];
    this.cards.clear();
    this.occurrences.clear();
    this.pendingLabels.clear();
    this.shownRuns = runCount;
    this.renderStageOptions();
    this.render();
  }

  add(key: string, samples: readonly SampleRecord[], replace = false): void {
    // A snapshot replacing a run's samples is the same history: it never waits.
    if (this.held && !replace) {
      this.waiting.push({ key, samples, replace });
      this.updateWaiting();
      return;
    }
    this.take(key, samples, replace);
    this.renderStageOptions();
    this.render();
  }

  /** The outcome of a label request: shown on the card it was made from. */
  labelResult(requestId: number, ok: boolean, message: string): void {
    const id = this.pendingLabels.get(requestId);
    this.pendingLabels.delete(requestId);
    const card = id ? this.cards.get(id) : undefined;
    if (!card) return;
    const status = card.querySelector('.label-status') as HTMLElement;
    status.textContent = message;
    status.className = `label-status ${ok ? 'ok' : 'error'}`;
    status.hidden = false;
    if (ok) card.classList.add('labelled');
    else for (const b of card.querySelectorAll<HTMLButtonElement>('button[data-action="exclude"], button[data-action="flag"]')) b.disabled = false;
  }

  private take(key: string, samples: readonly SampleRecord[], replace: boolean): void {
    if (replace) {
      this.samples = this.samples.filter((s) => s.key !== key);
      for (const k of [...this.occurrences.keys()]) if (k.startsWith(`${key}\u0000`)) this.occurrences.delete(k);
    }
    for (const sample of samples) {
      const base = [key, sample.step, sample.stage, sample.promptId].join('\u0000');
      const n = this.occurrences.get(base) ?? 0;
      this.occurrences.set(base, n + 1);
      this.samples.push({ id: `${base}\u0000${n}`, key, sample });
    }
    if (this.samples.length > this.capacity) this.samples = this.samples.slice(this.samples.length - this.capacity);
  }

  private flush(force = false): void {
    if (!this.waiting.length || (!force && this.held)) return;
    for (const w of this.waiting) this.take(w.key, w.samples, w.replace);
    this.waiting = [];
    this.updateWaiting();
    this.renderStageOptions();
    this.render();
  }

  private updateWaiting(): void {
    const n = this.waiting.reduce((a, w) => a + w.samples.length, 0);
    this.waitingButton.hidden = n === 0;
    this.waitingButton.textContent = `${n} new sample${n === 1 ? '' : 's'} — show`;
  }

  private renderStageOptions(): void {
    const stages = [...new Set(this.samples.map((s) => s.sample.stage))];
    if (this.stage && !stages.includes(this.stage)) stages.push(this.stage);
    const current = [...this.stageSelect.options].map((o) => o.value).join('\n');
    if (this.stageSelect.options.length && current === ['', ...stages].join('\n')) return;
    this.stageSelect.replaceChildren();
    const all = el('option', undefined, 'All stages');
    all.value = '';
    this.stageSelect.append(all);
    for (const s of stages) {
      const o = el('option', undefined, s);
      o.value = s;
      this.stageSelect.append(o);
    }
    this.stageSelect.value = this.stage;
  }

  private render(): void {
    const matching = this.samples.filter((s) =>
      (!this.stage || s.sample.stage === this.stage) &&
      (this.outcome === 'all' || (this.outcome === 'right') === isRight(s.sample)));
    const shown = matching.slice(-MAX_SHOWN).reverse();
    this.countEl.textContent = `${matching.length} of ${this.samples.length}`;
    const keep = new Set(this.samples.map((s) => s.id));
    for (const id of [...this.cards.keys()]) if (!keep.has(id)) this.cards.delete(id);
    // Existing cards are moved, not rebuilt: their open sections and pending confirmations stay.
    const nodes: HTMLElement[] = shown.map((s) => {
      let card = this.cards.get(s.id);
      if (!card) this.cards.set(s.id, (card = this.card(s)));
      return card;
    });
    if (!shown.length) nodes.push(el('p', 'empty', this.samples.length ? 'No sample matches the filters.' : 'No samples yet.'));
    const same = nodes.length === this.list.children.length && nodes.every((n, i) => this.list.children[i] === n);
    if (!same) this.list.replaceChildren(...nodes);
  }

  private card(s: ShownSample): HTMLElement {
    const { sample } = s;
    const right = isRight(sample);
    const card = el('article', `sample ${right ? 'right' : 'wrong'}`);
    card.dataset.id = s.id;
    card.dataset.promptId = sample.promptId;
    const head = el('header');
    const run = this.shownRuns > 1 ? this.actions.runOf(s.key) : undefined;
    if (run) {
      const chip = el('span', 'run-chip', run.label);
      chip.style.setProperty('--run-color', run.color);
      chip.dataset.runIndex = String(run.index);
      head.append(chip);
    }
    head.append(
      el('span', `badge ${right ? 'right' : 'wrong'}`, `${right ? '✓' : '✗'} ${sample.reward.toFixed(2)}`),
      el('span', 'meta', `step ${sample.step} · ${sample.stage} · ${sample.domain}${sample.source ? ` · ${sample.source}` : ''}`),
      el('span', 'prompt-id', sample.promptId),
    );
    if (sample.verdictState) {
      const tag = el('span', `tag state-${sample.verdictState.replace(/[^a-z-]/gi, '')}`, sample.verdictState);
      tag.title = 'The verifier\'s verdict state';
      head.append(tag);
    }
    if (sample.verifierFailed) {
      const tag = el('span', 'tag verifier-failed', 'verifier failed');
      tag.title = 'The verifier failed on this response (not the response\'s fault): it is left out of its group\'s advantages';
      head.append(tag);
    }
    if (sample.truncated) head.append(el('span', 'tag', 'truncated'));
    card.append(head, this.verdict(sample), this.section('prompt', 'Prompt', sample.prompt), this.section('response', 'Response', sample.response));
    const actions = el('div', 'actions');
    actions.append(
      button('Open in editor', 'primary', 'open', 'Open the response as a file in the run folder'),
      button('Exclude prompt…', 'secondary', 'exclude', 'Exclude this prompt from training (asks first; appends to .acereason/labels.jsonl)'),
      button('Flag prompt', 'secondary', 'flag', 'Append a flag decision to .acereason/labels.jsonl'),
    );
    const confirm = el('div', 'confirm');
    confirm.hidden = true;
    confirm.setAttribute('role', 'alertdialog');
    const status = el('div', 'label-status');
    status.hidden = true;
    card.append(actions, confirm, status);
    return card;
  }

  private verdict(sample: SampleRecord): HTMLElement {
    const verdict = el('div', 'verdict');
    if (sample.domain === 'math') {
      const pair = (label: string, value: string, cls: string) => {
        const span = el('span', cls);
        span.append(el('span', 'label', `${label} `), el('code', undefined, value));
        return span;
      };
      verdict.append(pair('Extracted:', sample.extracted ?? '(none)', 'extracted'));
      if (sample.reference !== undefined) verdict.append(pair('Reference:', sample.reference, 'reference'));
    }
    const tests = testsSummary(sample);
    if (tests) verdict.append(el('span', 'tests', tests));
    const reason = el('span', 'reason', sample.verdict);
    // The math verifier writes the reference first ("4 ≠ 5": reference 4, extracted 5).
    if (sample.domain === 'math' && sample.verdict.includes('≠')) {
      reason.textContent = `${sample.verdict} (reference ≠ extracted)`;
      reason.title = 'The verifier writes the reference answer first, then the extracted one';
    }
    verdict.append(reason);
    return verdict;
  }

  private section(cls: string, title: string, text: string): HTMLElement {
    const d = el('details', cls);
    const block = mathBlock(clip(text), { lazy: true });
    d.append(el('summary', undefined, title), block);
    d.addEventListener('toggle', () => { if (d.open) revealMathBlock(block); });
    return d;
  }

  private sampleOf(card: HTMLElement): ShownSample | undefined {
    const id = card.dataset.id;
    return id ? this.samples.find((s) => s.id === id) : undefined;
  }

  private onClick(ev: Event): void {
    const target = ev.target as HTMLElement;
    const b = target.closest('button[data-action]') as HTMLButtonElement | null;
    const card = b?.closest('article[data-id]') as HTMLElement | null;
    if (!b || !card) return;
    const s = this.sampleOf(card);
    if (!s) return;
    switch (b.dataset.action) {
      case 'open': this.actions.open(s); break;
      case 'exclude': this.askExclude(card, s); break;
      case 'confirm-exclude': this.send(card, s, 'exclude'); break;
      case 'cancel-exclude': this.closeConfirm(card); break;
      case 'flag': this.send(card, s, 'flag'); break;
    }
  }

  /** The exclusion names the prompt it will exclude — its id and text — and waits for a yes. */
  private askExclude(card: HTMLElement, s: ShownSample): void {
    const confirm = card.querySelector('.confirm') as HTMLElement;
    const text = s.sample.prompt.length > CONFIRM_PROMPT_CHARS ? `${s.sample.prompt.slice(0, CONFIRM_PROMPT_CHARS)}…` : s.sample.prompt;
    const question = el('p');
    question.append('Exclude prompt ', el('code', 'confirm-id', s.sample.promptId), ' from training?');
    confirm.replaceChildren(
      question,
      el('blockquote', 'confirm-text', text),
      button(`Exclude ${s.sample.promptId.length > 40 ? `${s.sample.promptId.slice(0, 40)}…` : s.sample.promptId}`, 'primary', 'confirm-exclude', 'Append an exclude decision for this prompt to .acereason/labels.jsonl'),
      button('Cancel', 'secondary', 'cancel-exclude', 'Keep the prompt'),
    );
    confirm.hidden = false;
    (confirm.querySelector('button[data-action="confirm-exclude"]') as HTMLButtonElement).focus();
  }

  private closeConfirm(card: HTMLElement): void {
    const confirm = card.querySelector('.confirm') as HTMLElement;
    confirm.hidden = true;
    confirm.replaceChildren();
    this.flush();
  }

  private send(card: HTMLElement, s: ShownSample, decision: 'exclude' | 'flag'): void {
    for (const b of card.querySelectorAll<HTMLButtonElement>('button[data-action="exclude"], button[data-action="flag"]')) b.disabled = true;
    const requestId = this.actions.label(s, decision);
    this.pendingLabels.set(requestId, s.id);
    const status = card.querySelector('.label-status') as HTMLElement;
    status.textContent = `${decision === 'exclude' ? 'Excluding' : 'Flagging'} ${s.sample.promptId}…`;
    status.className = 'label-status';
    status.hidden = false;
    if (decision === 'exclude') this.closeConfirm(card);
  }
}
