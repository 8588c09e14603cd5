#!/usr/bin/env node
// Fails when the TypeScript sources under src/ and webview/ import each other in a cycle (type-only
// imports included: a cycle of types is still two concepts that cannot be read apart). Prints each
// cycle as a chain of files. Usage: node scripts/check-cycles.mjs [dir ...]
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'webview'];

function listTs(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const SPECIFIER = /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile() && /\.tsx?$/.test(c)) return c;
  }
  return null;
}

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = dirs.flatMap((d) => listTs(path.resolve(root, d)));
const graph = new Map();
for (const f of files) {
  const src = stripComments(fs.readFileSync(f, 'utf8'));
  const deps = new Set();
  for (const m of src.matchAll(SPECIFIER)) {
    const r = resolveImport(f, m[1] ?? m[2] ?? m[3]);
    if (r) deps.add(r);
  }
  graph.set(f, [...deps]);
}

// Tarjan's strongly connected components, iterative (deep import chains must not overflow the stack).
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
for (const start of graph.keys()) {
  if (idx.has(start)) continue;
  const work = [[start, 0]];
  idx.set(start, index); low.set(start, index); index++; stack.push(start); onStack.add(start);
  while (work.length) {
    const frame = work[work.length - 1];
    const [v, i] = frame;
    const deps = graph.get(v) ?? [];
    if (i < deps.length) {
      frame[1]++;
      const w = deps[i];
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        idx.set(w, index); low.set(w, index); index++; stack.push(w); onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    } else {
      work.pop();
      if (work.length) { const u = work[work.length - 1][0]; low.set(u, Math.min(low.get(u), low.get(v))); }
      if (low.get(v) === idx.get(v)) {
        const comp = [];
        let w;
        do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
        if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(comp);
      }
    }
  }
}

const rel = (p) => path.relative(root, p);
if (sccs.length === 0) {
  console.log(`import cycles: none in ${files.length} files (${dirs.join(', ')})`);
  process.exit(0);
}
for (const comp of sccs) {
  // Show one concrete cycle through the component: a path from its first file back to itself.
  const inComp = new Set(comp);
  const first = comp[comp.length - 1];
  const prev = new Map([[first, null]]);
  const queue = [first];
  let closing = null;
  while (queue.length && !closing) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === first) { closing = v; break; }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  const chain = [];
  for (let v = closing; v !== null; v = prev.get(v)) chain.unshift(rel(v));
  console.error(`import cycle (${comp.length} files): ${[...chain, rel(first)].join(' -> ')}`);
}
console.error(`import cycles: ${sccs.length} found`);
process.exit(1);
