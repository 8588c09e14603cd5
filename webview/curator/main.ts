// The Dataset Curator webview: a virtualised list of every prompt of the active dataset, search and
// filters, a detail pane, and label decisions (keep / exclude / flag, note, undo) sent to the host,
// which appends them to labels.jsonl. Every host message is validated before it is used. The same
// page runs in the sidebar (list above detail) and in an editor tab (body[data-layout=editor]: a
// wide table with the detail beside it).
import './zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import {
  parseCuratorHostMessage, type CuratorHostMessage, type CuratorRow, type CuratorViewMessage, type LabelDecision,
  type PromptDetail, type RowLabel,
} from '../../src/core/protocol/curator';
import { applyFilters, filtersAreActive, haystackOf, NO_FILTERS, type Filters } from './filter';
import { VirtualList } from './virtualList';
import { renderDetail, renderDetailPlaceholder } from './detail';
import { byId, clear, h, hx } from './dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const LAYOUT = document.body.dataset.layout === 'editor' ? 'editor' : 'sidebar';
const ROW_HEIGHT = LAYOUT === 'editor' ? 28 : 44;
const NOTE_FIELD_ID = 'note-field';
const vscode = acquireVsCodeApi();

interface SavedState { filters: Filters; focusedId: string | null }
type ValueElement = HTMLElement & { value: string };

// ---- state -------------------------------------------------------------------------------------
let rows: CuratorRow[] = [];
let haystacks: string[] = [];
const indexById = new Map<string, number>();
let datasetName = '';
let total = 0;
let loading = false;
let filtered: Int32Array = new Int32Array(0);
let filters: Filters = { ...NO_FILTERS };
/** Focused list position (into `filtered`), or -1. */
let focusPos = -1;
let anchorPos = -1;
/** Selected dataset indices. */
const selection = new Set<number>();
/** Each entry restores the labels a decision replaced. */
const undoStack: { id: string; label: RowLabel | null }[][] = [];
let currentDetail: PromptDetail | null = null;
/** The prompt the last keyboard decision labelled, until another key is pressed: `n` notes it. */
let justDecided: string | null = null;
/** The prompt the open note bar writes to. */
let noteTarget: string | null = null;
let detailTimer = 0;
let searchTimer = 0;

const saved = vscode.getState() as Partial<SavedState> | undefined;
if (saved?.filters) filters = { ...NO_FILTERS, ...saved.filters };
let pendingFocusId: string | null = saved?.focusedId ?? null;

// ---- page --------------------------------------------------------------------------------------
const app = byId('app');
const datasetLabel = h('span', { id: 'dataset-name', class: 'dataset-name' }, 'No dataset');
const counts = h('span', { id: 'counts', class: 'counts' });
// The sidebar view's title bar already carries Open, Curate and Open in Editor; an editor tab has no
// title bar, so there the page shows them (and hides them while the empty state offers its own).
const openButton = hx('vscode-button', { id: 'open-dataset', icon: 'folder-opened', secondary: true, title: 'Open a JSONL dataset or a curation output folder' }, 'Open');
const curateButton = hx('vscode-button', { id: 'curate-dataset', icon: 'filter', secondary: true, title: 'AceReason: Curate Dataset' }, 'Curate');
const toolbarButtons = h('div', { class: 'buttons', hidden: LAYOUT === 'sidebar' }, openButton, curateButton);
const noteInput = h('input', { id: 'note-bar-input', type: 'text', class: 'note-bar-input', placeholder: 'Note — Enter saves, Escape cancels', 'aria-label': 'Note' });
const noteBar = h('div', { id: 'note-bar', class: 'note-bar', hidden: true },
  h('span', { id: 'note-bar-target', class: 'note-bar-target' }), noteInput);
const tableHead = h('div', { class: 'table-head', hidden: LAYOUT === 'sidebar', 'aria-hidden': 'true' },
  h('span', { class: 'c-status' }), h('span', { class: 'c-text' }, 'Prompt'), h('span', { class: 'c-id' }, 'Id'),
  h('span', { class: 'c-source' }, 'Source'), h('span', { class: 'c-reasons' }, 'Pipeline'), h('span', { class: 'c-label' }, 'Label'));
const errorBanner = h('div', { id: 'error-banner', class: 'error-banner', role: 'alert', hidden: true });
const search = hx('vscode-textfield', { id: 'search', placeholder: 'Search id, source, text', type: 'search' }) as ValueElement;
const sourceSelect = select('f-source', 'Any source');
const statusSelect = select('f-status', 'Any pipeline result');
const labelSelect = select('f-label', 'Any label');
const difficultySelect = select('f-difficulty', 'Any difficulty');
const passMin = hx('vscode-textfield', { id: 'f-pass-min', type: 'number', min: '0', max: '100', placeholder: '0', title: 'Minimum pass rate (%)' }) as ValueElement;
const passMax = hx('vscode-textfield', { id: 'f-pass-max', type: 'number', min: '0', max: '100', placeholder: '100', title: 'Maximum pass rate (%)' }) as ValueElement;
const clearFilters = hx('vscode-button', { id: 'clear-filters', secondary: true, icon: 'clear-all' }, 'Clear filters');
const filterPanel = hx('vscode-collapsible', { id: 'filters', title: 'Filters' },
  h('div', { class: 'filter-grid' },
    h('label', { for: 'f-source' }, 'Source'), sourceSelect,
    h('label', { for: 'f-status' }, 'Pipeline'), statusSelect,
    h('label', { for: 'f-label' }, 'Label'), labelSelect,
    h('label', { for: 'f-difficulty' }, 'Difficulty'), difficultySelect,
    h('label', { for: 'f-pass-min' }, 'Pass rate %'), h('div', { class: 'range' }, passMin, h('span', {}, '–'), passMax),
  ),
  h('div', { class: 'filter-actions' }, clearFilters),
);
const bulkBar = h('div', { id: 'bulk-bar', class: 'bulk-bar', hidden: true },
  h('span', { id: 'bulk-count' }),
  hx('vscode-button', { 'data-decision': 'keep', icon: 'check', secondary: true }, 'Keep'),
  hx('vscode-button', { 'data-decision': 'exclude', icon: 'circle-slash', secondary: true }, 'Exclude'),
  hx('vscode-button', { 'data-decision': 'flag', icon: 'flag', secondary: true }, 'Flag'),
  hx('vscode-button', { 'data-action': 'clear-selection', icon: 'close', secondary: true }, 'Clear selection'),
);
const listViewport = h('div', {
  id: 'list', class: 'list', role: 'listbox', tabindex: '0', 'aria-multiselectable': 'true', 'aria-label': 'Prompts',
});
const emptyState = h('div', { id: 'empty', class: 'empty-state', hidden: true });
const detailPane = h('div', { id: 'detail', class: 'detail', 'aria-live': 'polite' });

app.append(
  h('div', { class: 'browse' },
    h('header', { class: 'toolbar' }, h('div', { class: 'title' }, datasetLabel, counts), toolbarButtons),
    errorBanner, search, filterPanel, bulkBar, noteBar, tableHead, listViewport, emptyState),
  h('div', { class: 'splitter', role: 'separator', 'aria-orientation': LAYOUT === 'editor' ? 'vertical' : 'horizontal' }), detailPane,
);
fillStaticOptions();
restoreFilterControls();
renderDetailPlaceholder(detailPane, 'Select a prompt to see it in full.');

const list = new VirtualList({
  viewport: listViewport,
  rowHeight: ROW_HEIGHT,
  createRow: createRowElement,
  renderRow: renderRowElement,
});

// ---- helpers -----------------------------------------------------------------------------------
function post(message: CuratorViewMessage): void { vscode.postMessage(message); }

function select(id: string, anyText: string): ValueElement {
  return hx('vscode-single-select', { id, 'data-any': anyText }, hx('vscode-option', { value: '' }, anyText)) as ValueElement;
}

function setOptions(sel: ValueElement, options: [value: string, text: string][]): void {
  const keep = sel.value;
  clear(sel);
  sel.append(hx('vscode-option', { value: '' }, sel.dataset.any ?? 'Any'));
  for (const [value, text] of options) sel.append(hx('vscode-option', { value }, text));
  sel.value = options.some(([v]) => v === keep) ? keep : '';
}

function fillStaticOptions(): void {
  setOptions(labelSelect, [['unlabeled', 'Unlabeled'], ['keep', 'Keep'], ['exclude', 'Exclude'], ['flag', 'Flag']]);
}

function fillDataOptions(): void {
  const sources = new Map<string, number>();
  const reasons = new Map<string, number>();
  const difficulties = new Map<string, number>();
  let kept = 0, removed = 0, uncurated = 0;
  for (const r of rows) {
    if (!r) continue;
    sources.set(r.source, (sources.get(r.source) ?? 0) + 1);
    for (const reason of r.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const d = r.difficulty === null ? 'unknown' : String(r.difficulty);
    difficulties.set(d, (difficulties.get(d) ?? 0) + 1);
    if (r.status === 'kept') kept++; else if (r.status === 'removed') removed++; else uncurated++;
  }
  const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  setOptions(sourceSelect, byCount(sources).map(([s, n]) => [s, `${s} (${n})`]));
  const status: [string, string][] = [];
  if (kept) status.push(['kept', `Kept (${kept})`]);
  if (removed) status.push(['removed', `Removed (${removed})`]);
  if (uncurated) status.push(['uncurated', `Not curated (${uncurated})`]);
  for (const [r, n] of byCount(reasons)) status.push([`reason:${r}`, `Removed: ${r} (${n})`]);
  setOptions(statusSelect, status);
  const diff = [...difficulties].sort((a, b) => (a[0] === 'unknown' ? 1 : b[0] === 'unknown' ? -1 : Number(a[0]) - Number(b[0])));
  setOptions(difficultySelect, diff.map(([d, n]) => [d, `${d === 'unknown' ? 'Unknown' : d} (${n})`]));
  restoreFilterControls();
}

function restoreFilterControls(): void {
  search.value = filters.search;
  sourceSelect.value = filters.source;
  statusSelect.value = filters.status;
  labelSelect.value = filters.label;
  difficultySelect.value = filters.difficulty;
  passMin.value = filters.passMin > 0 ? String(filters.passMin) : '';
  passMax.value = filters.passMax < 100 ? String(filters.passMax) : '';
}

function readPercent(el: ValueElement, fallback: number): number {
  const v = Number(el.value);
  return el.value.trim() === '' || !Number.isFinite(v) ? fallback : Math.min(100, Math.max(0, v));
}

function readFilterControls(): void {
  filters = {
    search: search.value ?? '',
    source: sourceSelect.value ?? '',
    status: statusSelect.value ?? '',
    label: labelSelect.value ?? '',
    difficulty: difficultySelect.value ?? '',
    passMin: readPercent(passMin, 0),
    passMax: readPercent(passMax, 100),
  };
}

function saveState(): void {
  const focused = focusedRow();
  vscode.setState({ filters, focusedId: focused?.id ?? pendingFocusId } satisfies SavedState);
}

function focusedIndex(): number { return focusPos >= 0 && focusPos < filtered.length ? filtered[focusPos] : -1; }
function focusedRow(): CuratorRow | undefined { const i = focusedIndex(); return i >= 0 ? rows[i] : undefined; }

// ---- list rows ---------------------------------------------------------------------------------
function createRowElement(): HTMLElement {
  return h('div', { class: 'row', role: 'option' },
    h('span', { class: 'codicon status-icon', 'aria-hidden': 'true' }),
    h('div', { class: 'row-main' }, h('div', { class: 'row-title c-text' }),
      h('div', { class: 'row-meta' }, h('span', { class: 'c-id' }), h('span', { class: 'c-source' }), h('span', { class: 'c-reasons' }))),
    h('span', { class: 'row-label' }),
    h('span', { class: 'row-actions' },
      h('button', { class: 'codicon codicon-check', 'data-decision': 'keep', title: 'Keep (k)', 'aria-label': 'Keep', tabindex: '-1' }),
      h('button', { class: 'codicon codicon-circle-slash', 'data-decision': 'exclude', title: 'Exclude (x)', 'aria-label': 'Exclude', tabindex: '-1' }),
      h('button', { class: 'codicon codicon-flag', 'data-decision': 'flag', title: 'Flag (f)', 'aria-label': 'Flag', tabindex: '-1' }),
    ),
  );
}

function renderRowElement(el: HTMLElement, pos: number): void {
  const index = filtered[pos];
  const row = rows[index];
  const [icon, main, labelEl] = Array.from(el.children) as HTMLElement[];
  const titleEl = main.firstElementChild as HTMLElement;
  const metaEl = main.lastElementChild as HTMLElement;
  el.dataset.id = row.id;
  el.classList.toggle('focused', pos === focusPos);
  el.classList.toggle('selected', selection.has(index));
  el.setAttribute('aria-selected', selection.has(index) ? 'true' : 'false');
  el.classList.toggle('removed', row.status === 'removed');
  icon.className = `codicon status-icon status-${row.status} ${row.status === 'kept' ? 'codicon-pass' : row.status === 'removed' ? 'codicon-circle-slash' : 'codicon-circle-large-outline'}`;
  titleEl.textContent = row.text.replace(/\s+/g, ' ').slice(0, 300);
  const [idEl, sourceEl, reasonsEl] = Array.from(metaEl.children) as HTMLElement[];
  idEl.textContent = row.id;
  sourceEl.textContent = row.source;
  reasonsEl.textContent = row.reasons.join(', ');
  el.title = row.status === 'removed' ? `Removed: ${row.reasons.join(', ')}` : '';
  labelEl.textContent = row.label ? row.label.decision + (row.label.note ? ' ✎' : '') : '';
  labelEl.className = `row-label${row.label ? ` label-${row.label.decision}` : ''}`;
}

function refilter(keepFocusId?: string | null): void {
  filtered = applyFilters(rows, haystacks, filters);
  const wantId = keepFocusId ?? focusedRow()?.id ?? null;
  focusPos = -1;
  if (wantId !== null && indexById.has(wantId)) {
    const idx = indexById.get(wantId)!;
    focusPos = binarySearch(filtered, idx);
  }
  if (focusPos < 0 && filtered.length) focusPos = Math.min(Math.max(0, anchorPos), filtered.length - 1);
  anchorPos = focusPos;
  list.setCount(filtered.length);
  if (focusPos >= 0) list.reveal(focusPos);
  updateCounts();
  scheduleDetail();
  saveState();
}

function binarySearch(arr: Int32Array, value: number): number {
  let lo = 0, hi = arr.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] === value) return mid;
    if (arr[mid] < value) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

function updateCounts(): void {
  const shown = filtered.length.toLocaleString('en-US');
  const all = rows.length.toLocaleString('en-US');
  counts.textContent = loading
    ? `loading ${rows.length.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}…`
    : filtersAreActive(filters) ? `${shown} of ${all}` : `${all} prompts`;
  bulkBar.hidden = selection.size < 2;
  byId('bulk-count').textContent = `${selection.size.toLocaleString('en-US')} selected`;
}

// ---- focus and selection -----------------------------------------------------------------------
function moveFocus(pos: number, opts: { extend?: boolean; toggle?: boolean } = {}): void {
  if (filtered.length === 0) return;
  pos = Math.max(0, Math.min(filtered.length - 1, pos));
  focusPos = pos;
  if (opts.extend) {
    selection.clear();
    const [a, b] = anchorPos < 0 ? [pos, pos] : [Math.min(anchorPos, pos), Math.max(anchorPos, pos)];
    for (let p = a; p <= b; p++) selection.add(filtered[p]);
  } else if (opts.toggle) {
    const idx = filtered[pos];
    if (selection.has(idx)) selection.delete(idx); else selection.add(idx);
    anchorPos = pos;
  } else {
    selection.clear();
    selection.add(filtered[pos]);
    anchorPos = pos;
  }
  list.reveal(pos);
  updateCounts();
  scheduleDetail();
  saveState();
}

function targets(): number[] {
  if (selection.size) return [...selection].sort((a, b) => a - b);
  const i = focusedIndex();
  return i >= 0 ? [i] : [];
}

// ---- labels ------------------------------------------------------------------------------------
function decide(decision: LabelDecision, indices = targets(), note?: string): void {
  if (indices.length === 0) return;
  const previous = indices.map((i) => ({ id: rows[i].id, label: rows[i].label }));
  const items = indices.map((i) => {
    const keepNote = note ?? rows[i].label?.note;
    return { id: rows[i].id, label: keepNote ? { decision, note: keepNote } : { decision } };
  });
  undoStack.push(previous);
  if (undoStack.length > 200) undoStack.shift();
  post({ type: 'label', items });
  applyLabels(items);
}

function undo(): void {
  const previous = undoStack.pop();
  if (!previous) { showError('Nothing to undo.'); return; }
  post({ type: 'undo', ids: previous.map((p) => p.id) });
  applyLabels(previous);
}

function applyLabels(items: { id: string; label: RowLabel | null }[]): void {
  for (const { id, label } of items) {
    const i = indexById.get(id);
    if (i !== undefined) rows[i] = { ...rows[i], label };
    if (currentDetail && currentDetail.id === id) {
      currentDetail = { ...currentDetail, label };
      renderDetail(detailPane, currentDetail, { noteFieldId: NOTE_FIELD_ID });
    }
  }
  if (filters.label) refilter(); else list.refresh();
}

function saveNote(text: string): void {
  const row = focusedRow();
  if (!row) return;
  decide(row.label?.decision ?? 'flag', [focusedIndex()], text.trim());
  listViewport.focus();
}

// ---- detail ------------------------------------------------------------------------------------
function scheduleDetail(): void {
  clearTimeout(detailTimer);
  const row = focusedRow();
  if (!row) { currentDetail = null; renderDetailPlaceholder(detailPane, rows.length ? 'No prompt matches the filters.' : 'No dataset loaded.'); return; }
  if (currentDetail?.id === row.id) return;
  detailTimer = window.setTimeout(() => post({ type: 'requestDetail', id: row.id }), 80);
}

// ---- host messages -----------------------------------------------------------------------------
function showError(message: string): void {
  errorBanner.textContent = message;
  errorBanner.hidden = false;
}

function onHostMessage(msg: CuratorHostMessage): void {
  switch (msg.type) {
    case 'empty':
      rows = []; haystacks = []; indexById.clear(); selection.clear(); total = 0; loading = false;
      datasetLabel.textContent = 'No dataset';
      emptyState.hidden = false;
      toolbarButtons.hidden = true;
      clear(emptyState);
      emptyState.append(
        h('p', {}, msg.hint ?? 'Open a JSONL dataset or a curation output folder (curated.jsonl + removed.jsonl), or curate a dataset.'),
        hx('vscode-button', { 'data-action': 'open', icon: 'folder-opened' }, 'Open Dataset'),
        hx('vscode-button', { 'data-action': 'curate', icon: 'filter', secondary: true }, 'Curate Dataset'),
      );
      listViewport.hidden = true;
      refilter(null);
      break;
    case 'datasetBegin':
      rows = new Array(msg.total); haystacks = new Array(msg.total); indexById.clear(); selection.clear(); undoStack.length = 0;
      currentDetail = null;
      renderDetailPlaceholder(detailPane, 'Select a prompt to see it in full.');
      total = msg.total; loading = true; datasetName = msg.name;
      datasetLabel.textContent = datasetName;
      datasetLabel.title = datasetName;
      emptyState.hidden = true;
      toolbarButtons.hidden = LAYOUT === 'sidebar';
      listViewport.hidden = false;
      errorBanner.hidden = true;
      updateCounts();
      break;
    case 'rows':
      if (msg.offset + msg.rows.length > total) { showError(`rows ${msg.offset}..${msg.offset + msg.rows.length} exceed the dataset size ${total}; dropped`); return; }
      msg.rows.forEach((r, k) => {
        const i = msg.offset + k;
        rows[i] = r; haystacks[i] = haystackOf(r); indexById.set(r.id, i);
      });
      // Show the first chunk at once so a large dataset is browsable while the rest streams in.
      if (msg.offset === 0) refilter(pendingFocusId); else updateCounts();
      break;
    case 'datasetEnd':
      loading = false;
      rows = rows.filter(Boolean);
      haystacks = rows.map(haystackOf);
      indexById.clear();
      rows.forEach((r, i) => indexById.set(r.id, i));
      fillDataOptions();
      refilter(pendingFocusId);
      pendingFocusId = null;
      if (msg.skippedLines) showError(`${msg.skippedLines} line(s) of the dataset could not be read and were skipped (see the AceReason output).`);
      break;
    case 'labels':
      applyLabels(msg.labels);
      break;
    case 'detail':
      if (focusedRow()?.id !== msg.detail.id) return;
      currentDetail = msg.detail;
      renderDetail(detailPane, msg.detail, { noteFieldId: NOTE_FIELD_ID });
      break;
    case 'error':
      showError(msg.message);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseCuratorHostMessage(event.data);
  if (!parsed.ok) { showError(`Ignored a message from the extension: ${parsed.error}`); return; }
  onHostMessage(parsed.value);
});

// ---- events ------------------------------------------------------------------------------------
function isTyping(e: Event): boolean {
  return e.composedPath().some((n) => n instanceof HTMLElement
    && (n.tagName === 'INPUT' || n.tagName === 'TEXTAREA' || n.tagName === 'VSCODE-TEXTFIELD' || n.tagName === 'VSCODE-SINGLE-SELECT'));
}

document.addEventListener('keydown', (e) => {
  if (isTyping(e)) {
    const path = e.composedPath();
    const inNote = path.some((n) => n instanceof HTMLElement && n.id === NOTE_FIELD_ID);
    if (inNote && e.key === 'Enter') { e.preventDefault(); saveNote((byId(NOTE_FIELD_ID) as ValueElement).value ?? ''); }
    if (e.key === 'Escape') { e.preventDefault(); listViewport.focus(); }
    if (!inNote && e.key === 'ArrowDown' && path.includes(search)) { e.preventDefault(); listViewport.focus(); if (focusPos < 0) moveFocus(0); }
    return;
  }
  if (e.altKey) return;
  const mod = e.ctrlKey || e.metaKey;
  const page = list.visibleRows();
  let handled = true;
  switch (e.key) {
    case 'ArrowDown': moveFocus(focusPos + 1, { extend: e.shiftKey }); break;
    case 'ArrowUp': moveFocus(focusPos - 1, { extend: e.shiftKey }); break;
    case 'PageDown': moveFocus(focusPos + page, { extend: e.shiftKey }); break;
    case 'PageUp': moveFocus(focusPos - page, { extend: e.shiftKey }); break;
    case 'Home': moveFocus(0, { extend: e.shiftKey }); break;
    case 'End': moveFocus(filtered.length - 1, { extend: e.shiftKey }); break;
    case ' ': if (focusPos >= 0) moveFocus(focusPos, { toggle: true }); break;
    case 'a': if (mod) { selection.clear(); for (const i of filtered) selection.add(i); list.refresh(); updateCounts(); } else handled = false; break;
    case 'k': case 'x': case 'f': {
      if (mod) { handled = false; break; }
      const single = selection.size <= 1;
      const labelled = single ? focusedRow()?.id ?? null : null;
      decide(e.key === 'k' ? 'keep' : e.key === 'x' ? 'exclude' : 'flag');
      // Triage flow: a single decision moves on to the next prompt...
      if (single && focusPos < filtered.length - 1 && !filters.label) moveFocus(focusPos + 1);
      // ...and a note typed right after it belongs to the prompt just labelled, not the next one.
      justDecided = labelled;
      e.preventDefault();
      return;
    }
    case 'n': if (mod) { handled = false; break; } openNoteBar(justDecided ?? focusedRow()?.id ?? null); break;
    case 'u': if (mod) { handled = false; break; } undo(); break;
    case '/': search.focus(); break;
    default: handled = false;
  }
  justDecided = null;
  if (handled) e.preventDefault();
});

/** Opens the note bar for one prompt (named in the bar, so the user sees which one the note is for). */
function openNoteBar(id: string | null): void {
  justDecided = null;
  if (id === null || !indexById.has(id)) return;
  const row = rows[indexById.get(id)!];
  noteTarget = id;
  byId('note-bar-target').textContent = `Note for ${id}: ${row.text.replace(/\s+/g, ' ').slice(0, 80)}`;
  noteInput.value = row.label?.note ?? '';
  noteBar.hidden = false;
  noteInput.focus();
  noteInput.select();
}

function closeNoteBar(): void {
  noteBar.hidden = true;
  noteTarget = null;
  listViewport.focus();
}

/** Saves the note bar's text on its prompt, keeping (or, when unlabelled, flagging) its decision; undo reverts it. */
function saveNoteBar(): void {
  const index = noteTarget === null ? undefined : indexById.get(noteTarget);
  if (index !== undefined) decide(rows[index].label?.decision ?? 'flag', [index], noteInput.value.trim());
  closeNoteBar();
}

noteInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); e.stopPropagation(); saveNoteBar(); }
  else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeNoteBar(); }
});

listViewport.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const pos = list.positionOf(target);
  if (pos < 0) return;
  const button = target.closest<HTMLElement>('button[data-decision]');
  if (button) {
    e.stopPropagation();
    decide(button.dataset.decision as LabelDecision, [filtered[pos]]);
    return;
  }
  if (e.shiftKey) moveFocus(pos, { extend: true });
  else if (e.ctrlKey || e.metaKey) moveFocus(pos, { toggle: true });
  else moveFocus(pos);
  listViewport.focus();
});

function onButtonClick(container: HTMLElement, handler: (el: HTMLElement) => void): void {
  container.addEventListener('click', (e) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-decision],[data-action]');
    if (el && container.contains(el)) handler(el);
  });
}
onButtonClick(detailPane, (el) => {
  if (el.dataset.action === 'undo') undo();
  else if (el.dataset.decision) {
    const i = currentDetail ? indexById.get(currentDetail.id) : undefined;
    if (i !== undefined) decide(el.dataset.decision as LabelDecision, [i]);
  }
});
onButtonClick(bulkBar, (el) => {
  if (el.dataset.action === 'clear-selection') { selection.clear(); const i = focusedIndex(); if (i >= 0) selection.add(i); list.refresh(); updateCounts(); }
  else if (el.dataset.decision) decide(el.dataset.decision as LabelDecision);
});
onButtonClick(emptyState, (el) => post({ type: el.dataset.action === 'curate' ? 'curateDataset' : 'openDataset' }));
openButton.addEventListener('click', () => post({ type: 'openDataset' }));
if (LAYOUT === 'editor') document.body.classList.add('layout-editor');
curateButton.addEventListener('click', () => post({ type: 'curateDataset' }));
errorBanner.addEventListener('click', () => { errorBanner.hidden = true; });

const onFilterChange = () => { readFilterControls(); selection.clear(); refilter(); };
search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = window.setTimeout(onFilterChange, 120); });
for (const el of [sourceSelect, statusSelect, labelSelect, difficultySelect, passMin, passMax]) el.addEventListener('change', onFilterChange);
for (const el of [passMin, passMax]) el.addEventListener('input', onFilterChange);
clearFilters.addEventListener('click', () => { filters = { ...NO_FILTERS }; restoreFilterControls(); selection.clear(); refilter(); });

post({ type: 'ready' });
