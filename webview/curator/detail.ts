// The detail pane: one prompt in full — problem, reference answer or tests, why the pipeline kept or
// removed it (for contamination: the benchmark item beside the prompt, shared n-grams highlighted),
// the researcher's label, and its rollouts from runs. Text only through textContent; LaTeX through
// the shared KaTeX helper, with the raw text one click away.
import type { OverlapEvidence, PromptDetail, RemovalDetail, Rollout } from '../../src/core/protocol/curator';
import { mathBlock } from '../shared/latex';
import { clear, h, hx } from './dom';

/** The pane's buttons carry data-decision / data-action and are wired by the page through delegation. */
export interface DetailActions {
  /** Element id of the note field, which the `n` shortcut focuses. */
  noteFieldId: string;
}

export function renderDetail(pane: HTMLElement, d: PromptDetail, actions: DetailActions): void {
  clear(pane);
  const statusText = d.status === 'kept' ? (d.removals.length ? 'Kept: a keep label overrode the pipeline' : 'Kept by the pipeline')
    : d.status === 'removed' ? 'Removed by the pipeline' : 'Not curated (plain dataset)';
  const parts: (HTMLElement | null)[] = [
    h('div', { class: 'detail-head' },
      h('span', { class: `codicon ${statusIcon(d.status)} status-${d.status}`, 'aria-hidden': 'true' }),
      h('span', { class: 'detail-id', title: d.id }, d.id),
      h('span', { class: 'detail-source' }, d.source),
    ),
    labelBar(d, actions),
    d.verifierFailure ? h('div', { class: 'verifier-failure', role: 'note' },
      h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }),
      h('span', {}, ` The math verifier cannot parse the reference answer: ${d.verifierFailure}`)) : null,
    section('Pipeline', pipeline(d, statusText)),
    ...d.removals.filter((r) => r.evidence?.length).map((r) => section('Contamination evidence', evidenceView(d.problem, r))),
    section('Problem', mathBlock(d.problem, { className: 'problem-text' })),
    d.domain === 'math'
      ? section('Reference answer', d.answer === null ? h('pre', { class: 'answer-text' }, '(none)') : mathBlock(d.answer, { className: 'answer-text' }))
      : section(`Tests (${d.tests.length < d.testCount ? `first ${d.tests.length} of ` : ''}${d.testCount})`, testsTable(d)),
    section(`Rollouts (${d.rollouts.length})`, rollouts(d.rollouts)),
  ];
  pane.append(...parts.filter((p): p is HTMLElement => p !== null));
}

export function renderDetailPlaceholder(pane: HTMLElement, message: string): void {
  clear(pane);
  pane.append(h('p', { class: 'detail-placeholder' }, message));
}

function statusIcon(status: PromptDetail['status']): string {
  return status === 'kept' ? 'codicon-pass' : status === 'removed' ? 'codicon-circle-slash' : 'codicon-circle-large-outline';
}

function section(title: string, body: Node): HTMLElement {
  return h('section', { class: 'detail-section' }, h('h3', {}, title), body);
}

function labelBar(d: PromptDetail, actions: DetailActions): HTMLElement {
  const current = d.label?.decision;
  const btn = (decision: string, icon: string, text: string, key: string) =>
    hx('vscode-button', {
      'data-decision': decision, icon, secondary: current !== decision, title: `${text} (${key})`,
      'aria-pressed': current === decision ? 'true' : 'false',
    }, text);
  const note = hx('vscode-textfield', {
    id: actions.noteFieldId, placeholder: 'Note (n), Enter to save', class: 'note-field',
  }) as HTMLElement & { value: string };
  note.value = d.label?.note ?? '';
  return h('div', { class: 'label-bar' },
    btn('keep', 'check', 'Keep', 'k'),
    btn('exclude', 'circle-slash', 'Exclude', 'x'),
    btn('flag', 'flag', 'Flag', 'f'),
    hx('vscode-button', { 'data-action': 'undo', icon: 'discard', secondary: true, title: 'Undo last decision (u)' }, 'Undo'),
    note,
  );
}

function pipeline(d: PromptDetail, statusText: string): HTMLElement {
  const list = h('ul', { class: 'reasons' });
  for (const r of d.removals) {
    const li = h('li', {}, h('span', { class: 'reason-name' }, r.reason));
    if (r.detail) li.append(h('span', { class: 'reason-detail' }, ` — ${r.detail}`));
    if (r.overlaps?.length) {
      li.append(h('div', { class: 'overlaps' }, 'Overlaps: ', ...r.overlaps.flatMap((o, i) => [i ? ', ' : '', h('code', {}, o)])));
    }
    list.append(li);
  }
  const facts = h('div', { class: 'facts' },
    d.difficulty !== null ? h('span', {}, `difficulty ${d.difficulty}`) : null,
    d.passRate !== null ? h('span', {}, `pass rate ${(d.passRate * 100).toFixed(0)}%`) : null,
  );
  return h('div', {}, h('p', { class: `pipeline-status status-${d.status}` }, statusText), d.removals.length ? list : null, facts);
}

/** The prompt and each overlapping benchmark item side by side, the shared n-grams marked in both. */
function evidenceView(problem: string, removal: RemovalDetail): HTMLElement {
  const wrap = h('div', { class: 'evidence-list' });
  for (const e of removal.evidence ?? []) {
    const what = e.exact && !e.shared.length
      ? `Same statement as ${e.benchmark} ${e.id}`
      : `Shares ${e.sharedNgrams} ${e.n}-gram${e.sharedNgrams === 1 ? '' : 's'} with ${e.benchmark} ${e.id}`;
    wrap.append(h('div', { class: 'evidence', 'data-benchmark-id': e.id },
      h('div', { class: 'evidence-head' }, h('span', { class: 'evidence-count' }, what)),
      h('div', { class: 'evidence-sides' },
        h('div', { class: 'evidence-side' }, h('div', { class: 'side-title' }, 'Training prompt'), highlighted(problem, e.promptSpans, 'prompt')),
        h('div', { class: 'evidence-side' }, h('div', { class: 'side-title' }, `${e.benchmark} · ${e.id}`), highlighted(e.benchmarkProblem, e.benchmarkSpans, 'benchmark')),
      ),
      sharedList(e),
    ));
  }
  return wrap;
}

/** `text` with the given [start, end) ranges wrapped in <mark>; out-of-range spans are ignored. */
function highlighted(text: string, spans: OverlapEvidence['promptSpans'], side: string): HTMLElement {
  const pre = h('pre', { class: `evidence-text evidence-${side}` });
  let at = 0;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) pre.append(text.slice(at, start));
    pre.append(h('mark', {}, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) pre.append(text.slice(at));
  return pre;
}

function sharedList(e: OverlapEvidence): HTMLElement | null {
  if (!e.shared.length) return null;
  const more = e.sharedNgrams > e.shared.length ? ` (first ${e.shared.length} of ${e.sharedNgrams})` : '';
  return h('details', { class: 'shared-ngrams' },
    h('summary', {}, `Shared ${e.n}-grams${more}`),
    h('ul', {}, ...e.shared.map((g) => h('li', {}, h('code', {}, g)))));
}

function testsTable(d: PromptDetail): HTMLElement {
  if (d.tests.length === 0) return h('p', { class: 'muted' }, 'No tests.');
  const wrap = h('div', { class: 'tests' });
  d.tests.forEach((t, i) => {
    wrap.append(h('div', { class: 'test' },
      h('div', { class: 'test-title' }, `#${i + 1}`),
      h('div', { class: 'io' }, h('span', { class: 'muted' }, 'input'), h('pre', {}, t.input)),
      h('div', { class: 'io' }, h('span', { class: 'muted' }, 'expected'), h('pre', {}, t.output)),
    ));
  });
  return wrap;
}

function rollouts(list: Rollout[]): HTMLElement {
  if (list.length === 0) return h('p', { class: 'muted' }, 'No rollouts of this prompt in the workspace runs.');
  const wrap = h('div', { class: 'rollouts' });
  for (const r of list) {
    const ok = r.reward > 0;
    const tests = r.tests?.length ? ` · ${r.tests.filter((t) => t.status === 'AC').length}/${r.tests.length} tests` : '';
    const details = h('details', { class: 'rollout' },
      h('summary', {},
        h('span', { class: `codicon ${ok ? 'codicon-pass status-kept' : 'codicon-error status-removed'}`, 'aria-hidden': 'true' }),
        h('span', {}, ` reward ${r.reward} · ${r.runId} · step ${r.step} · ${r.stage}${tests}`),
      ),
      h('div', { class: 'verdict' }, r.verdict),
      r.extracted ? h('div', { class: 'extracted' }, 'answer: ', h('code', {}, r.extracted)) : null,
      h('pre', { class: 'response-text' }, r.response),
    );
    wrap.append(details);
  }
  return wrap;
}
