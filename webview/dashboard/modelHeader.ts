// The dashboard header's model line: which model the run trains, how (LoRA or full fine-tuning),
// trainable and total parameters and the peak-memory estimate, from the run's config.json `model`
// (read field by field by the host; older runs have none, partial ones show what they have). Built
// with textContent only: a model label or path is the user's text, never markup.
import { formatGiB } from '../../src/core/model/memoryEstimate';
import { PROJECTIONS } from '../../src/core/model/projections';
import type { RunModelSummary } from '../../src/core/protocol/trainer';

export interface ModelLinePart {
  /** What the part says. */
  text: string;
  /** More detail on hover (exact counts, the folder, the LoRA targets). */
  title?: string;
  kind: 'name' | 'tuning' | 'parameters' | 'memory';
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** 1234 → "1.23K", 494,032,768 → "494M", 7,615,616,512 → "7.62B". */
export function formatCount(n: number): string {
  return compact.format(n);
}

function lastPathPart(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

/** The parts of the model line, in order; empty when nothing is known about the model. */
export function describeRunModel(m: RunModelSummary | undefined): ModelLinePart[] {
  if (!m) return [];
  const parts: ModelLinePart[] = [];
  const name = m.label ?? (m.path ? lastPathPart(m.path) : m.source === 'builtin' ? 'built-in tiny model' : undefined);
  if (name) {
    const arch = m.architecture && !name.includes(m.architecture) ? ` (${m.architecture})` : '';
    const where = m.path ? `Model folder: ${m.path}` : m.source === 'builtin' ? 'The built-in character-level model, trained from scratch' : undefined;
    parts.push({ kind: 'name', text: `${name}${arch}`, title: where });
  } else if (m.architecture) {
    parts.push({ kind: 'name', text: m.architecture });
  }
  if (m.lora) {
    const targets = PROJECTIONS.every((p) => m.lora!.targets.includes(p)) ? 'all projections' : m.lora.targets.join(', ');
    parts.push({ kind: 'tuning', text: `LoRA rank ${m.lora.rank}, alpha ${m.lora.alpha} on ${targets}`, title: `LoRA targets: ${m.lora.targets.join(', ')} (scale alpha/rank = ${+(m.lora.alpha / m.lora.rank).toFixed(4)})` });
  } else if (m.source === 'pretrained') {
    parts.push({ kind: 'tuning', text: 'full fine-tuning' });
  }
  const total = m.parameters;
  const trainable = m.trainableParameters;
  const exact = (n: number) => n.toLocaleString('en-US');
  if (total !== undefined && trainable !== undefined && trainable === total) {
    parts.push({ kind: 'parameters', text: `${formatCount(total)} parameters, all trained`, title: `${exact(total)} parameters, all trained` });
  } else if (total !== undefined && trainable !== undefined) {
    const share = total > 0 ? ` (${trimPercent((100 * trainable) / total)})` : '';
    parts.push({ kind: 'parameters', text: `${formatCount(trainable)} of ${formatCount(total)} parameters trained${share}`, title: `${exact(trainable)} trainable of ${exact(total)} parameters` });
  } else if (total !== undefined) {
    parts.push({ kind: 'parameters', text: `${formatCount(total)} parameters`, title: `${exact(total)} parameters` });
  } else if (trainable !== undefined) {
    parts.push({ kind: 'parameters', text: `${formatCount(trainable)} trainable parameters`, title: `${exact(trainable)} trainable parameters` });
  }
  if (m.memoryEstimateBytes !== undefined) {
    parts.push({ kind: 'memory', text: `memory estimate ${formatGiB(m.memoryEstimateBytes)}`, title: 'The trainer\'s estimate of the run\'s peak memory: weights, gradients, optimizer state, activations of one micro-batch, KV cache of a rollout batch' });
  }
  return parts;
}

function trimPercent(p: number): string {
  if (p >= 99.95) return '100%';
  return `${p >= 10 ? p.toFixed(1) : p >= 0.1 ? p.toFixed(2) : +p.toPrecision(2)}%`;
}

/** Fills `el` with the model line (hidden when nothing is known). */
export function renderModelLine(el: HTMLElement, m: RunModelSummary | undefined): void {
  const parts = describeRunModel(m);
  el.replaceChildren();
  el.hidden = parts.length === 0;
  parts.forEach((p, i) => {
    if (i > 0) el.append(document.createTextNode(' · '));
    const span = document.createElement('span');
    span.className = `model-${p.kind}`;
    span.textContent = p.text;
    if (p.title) span.title = p.title;
    el.append(span);
  });
}
