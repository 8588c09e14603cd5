// The detail pane: one prompt in full — problem, reference answer or tests, why the pipeline kept or
// removed it, the researcher's label, and its rollouts from runs. Text only through textContent.
import type { PromptDetail, Rollout } from '../../src/core/protocol/curator';
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
  pane.append(
    h('div', { class: 'detail-head' },
      h('span', { class: `codicon ${statusIcon(d.status)} status-${d.status}`, 'aria-hidden': 'true' }),
      h('span', { class: 'detail-id', title: d.id }, d.id),
      h('span', { class: 'detail-source' }, d.source),
    ),
    labelBar(d, actions),
    section('Pipeline', pipeline(d, statusText)),
    section('Problem', h('pre', { class: 'problem-text' }, d.problem)),
    d.domain === 'math'
      ? section('Reference answer', h('pre', { class: 'answer-text' }, d.answer ?? '(none)'))
      : section(`Tests (${d.tests.length < d.testCount ? `first ${d.tests.length} of ` : ''}${d.testCount})`, testsTable(d)),
    section(`Rollouts (${d.rollouts.length})`, rollouts(d.rollouts)),
  );
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
