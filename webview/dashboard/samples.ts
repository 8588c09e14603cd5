// The samples pane: the latest sampled responses with reward, extracted answer or test verdicts,
// filterable by stage and outcome. Every string from the run (prompt, response, verdict, ids) goes
// in through textContent — never markup — so a response full of HTML or script shows as text.
import type { SampleRecord } from '../../src/core/protocol/trainer';

export interface ShownSample {
  key: string;
  sample: SampleRecord;
}

export type Outcome = 'all' | 'right' | 'wrong';

export interface SampleActions {
  open(s: ShownSample): void;
  label(s: ShownSample, decision: 'exclude' | 'flag'): void;
}

const MAX_SHOWN = 200;
const PREVIEW_CHARS = 4000;

export function isRight(s: SampleRecord): boolean {
  return s.reward > 0;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
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
  private stage = '';
  private outcome: Outcome = 'all';
  private readonly list: HTMLElement;
  private readonly stageSelect: HTMLSelectElement;
  private readonly outcomeSelect: HTMLSelectElement;
  private readonly countEl: HTMLElement;
  private shown: ShownSample[] = [];

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
    bar.append(title, this.stageSelect, this.outcomeSelect, this.countEl);
    this.list = el('div', 'sample-list');
    this.list.id = 'samples';
    root.append(bar, this.list);
    this.stageSelect.addEventListener('change', () => { this.stage = this.stageSelect.value; this.render(); });
    this.outcomeSelect.addEventListener('change', () => { this.outcome = this.outcomeSelect.value as Outcome; this.render(); });
    this.list.addEventListener('click', (ev) => this.onClick(ev));
    this.renderStageOptions();
    this.render();
  }

  get filters(): { stage: string; outcome: Outcome } {
    return { stage: this.stage, outcome: this.outcome };
  }

  setFilters(stage: string, outcome: Outcome): void {
    this.stage = stage;
    this.outcome = outcome;
    this.renderStageOptions();
    this.outcomeSelect.value = outcome;
    this.render();
  }

  clear(): void {
    this.samples = [];
    this.renderStageOptions();
    this.render();
  }

  add(key: string, samples: readonly SampleRecord[], replace = false): void {
    if (replace) this.samples = this.samples.filter((s) => s.key !== key);
    for (const sample of samples) this.samples.push({ key, sample });
    if (this.samples.length > this.capacity) this.samples = this.samples.slice(this.samples.length - this.capacity);
    this.renderStageOptions();
    this.render();
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
    this.shown = matching.slice(-MAX_SHOWN).reverse();
    this.countEl.textContent = `${matching.length} of ${this.samples.length}`;
    this.list.replaceChildren(...this.shown.map((s, i) => this.card(s, i)));
    if (!this.shown.length) this.list.append(el('p', 'empty', this.samples.length ? 'No sample matches the filters.' : 'No samples yet.'));
  }

  private card(s: ShownSample, index: number): HTMLElement {
    const { sample } = s;
    const right = isRight(sample);
    const card = el('article', `sample ${right ? 'right' : 'wrong'}`);
    card.dataset.index = String(index);
    const head = el('header');
    head.append(
      el('span', `badge ${right ? 'right' : 'wrong'}`, `${right ? '✓' : '✗'} ${sample.reward.toFixed(2)}`),
      el('span', 'meta', `step ${sample.step} · ${sample.stage} · ${sample.domain}${sample.source ? ` · ${sample.source}` : ''}`),
      el('span', 'prompt-id', sample.promptId),
    );
    if (sample.truncated) head.append(el('span', 'meta', 'truncated'));
    const verdict = el('div', 'verdict');
    if (sample.domain === 'math') verdict.append(el('span', 'label', 'Answer: '), el('code', undefined, sample.extracted ?? '(none extracted)'));
    const tests = testsSummary(sample);
    if (tests) verdict.append(el('span', 'tests', tests));
    verdict.append(el('span', 'reason', sample.verdict));
    const prompt = el('details', 'prompt');
    prompt.append(el('summary', undefined, 'Prompt'), el('pre', undefined, clip(sample.prompt)));
    const response = el('details', 'response');
    response.append(el('summary', undefined, 'Response'), el('pre', undefined, clip(sample.response)));
    const actions = el('div', 'actions');
    for (const [action, text, title] of [
      ['open', 'Open in editor', 'Open the response as a document'],
      ['exclude', 'Exclude prompt', 'Append an exclude decision to .acereason/labels.jsonl (the trainer skips it)'],
      ['flag', 'Flag prompt', 'Append a flag decision to .acereason/labels.jsonl'],
    ] as const) {
      const b = el('button', action === 'open' ? 'primary' : 'secondary', text);
      b.type = 'button';
      b.dataset.action = action;
      b.title = title;
      actions.append(b);
    }
    card.append(head, verdict, prompt, response, actions);
    return card;
  }

  private onClick(ev: Event): void {
    const button = (ev.target as HTMLElement).closest('button[data-action]') as HTMLButtonElement | null;
    const card = button?.closest('article[data-index]') as HTMLElement | null;
    if (!button || !card) return;
    const s = this.shown[Number(card.dataset.index)];
    if (!s) return;
    const action = button.dataset.action;
    if (action === 'open') this.actions.open(s);
    else if (action === 'exclude' || action === 'flag') {
      button.disabled = true;
      this.actions.label(s, action);
    }
  }
}
