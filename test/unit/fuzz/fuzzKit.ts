// Seeded input mutators for the fuzz suite. FUZZ_SEED fixes the seed (printed on failure),
// FUZZ_SCALE multiplies the iteration counts (default 1 keeps the suite near a minute).
import crypto from 'node:crypto';
import fs from 'node:fs';

export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
export const SCALE = Math.max(0.1, Number(process.env.FUZZ_SCALE ?? 1));

export class Fuzz {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  /** mulberry32: small, seeded, good enough to pick mutations. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }
  /** A hostile JSON value: wrong types, huge numbers, deep nesting, odd strings. */
  value(depth = 0): unknown {
    const k = this.int(depth > 2 ? 9 : 12);
    switch (k) {
      case 0: return null;
      case 1: return this.pick([true, false]);
      case 2: return this.pick([0, -1, 1e308, -1e-308, 3.5, 2 ** 53 + 1]);
      case 3: return '';
      case 4: return this.pick(['\u0000', '\ud800', '\u202e', 'é', '😀', '</script>', '"\\', 'x'.repeat(10_000)]);
      case 5: return 'Find the value of x such that x plus one equals three.';
      case 6: return '12345678901234567890';
      case 7: return this.pick(['math', 'code', 'physics']);
      case 8: return [];
      case 9: return [this.value(depth + 1), this.value(depth + 1)];
      case 10: return { input: this.value(depth + 1), output: this.value(depth + 1) };
      default: return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.pick(['id', 'problem', 'answer', 'tests', 'format', 'domain', 'fnName', 'meta', '__proto__', 'constructor']), this.value(depth + 1)]));
    }
  }
  /** One line of text mutated from a valid JSON line. */
  mutateLine(valid: string): Buffer {
    const b = Buffer.from(valid);
    switch (this.int(12)) {
      case 0: return b.subarray(0, this.int(b.length)); // torn
      case 1: { const at = this.int(b.length); return Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(4)), b.subarray(at)]); } // random bytes (invalid UTF-8, NUL, \r)
      case 2: { const d = 1 + this.int(8000); return Buffer.from('{"id":"deep","problem":' + '['.repeat(d) + ']'.repeat(d) + ',"answer":"1"}'); }
      case 3: return Buffer.from(JSON.stringify(this.value()));
      case 4: { const o = JSON.parse(valid); const key = this.pick(Object.keys(o)); o[key] = this.value(); return Buffer.from(JSON.stringify(o)); }
      case 5: { const o = JSON.parse(valid); delete o[this.pick(Object.keys(o))]; return Buffer.from(JSON.stringify(o)); }
      case 6: return Buffer.from(valid.replace(/"id":"[^"]*"/, '"id":98765432109876543210'));
      case 7: return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
      case 8: return Buffer.from(valid.replace(/\}$/, ',"extra":' + JSON.stringify('y'.repeat(this.int(200_000))) + '}'));
      case 9: return Buffer.from(valid.replace(/"/g, this.pick(["'", '\\"', '""'])));
      case 10: return Buffer.from(valid + this.pick(['\r', ' trailing', '}', ',']));
      default: return b;
    }
  }
}

export function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A snapshot of every file under dir (path → sha256), to prove nothing saved was changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out[p] = sha(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
