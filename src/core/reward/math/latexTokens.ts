// Translates one LaTeX math expression (no top-level commas or relations: see structure.ts) into a
// token stream; parseTokens.ts does the operator-precedence parse and evaluate.ts walks the tree.
// Implicit multiplication is made explicit here (LaTeX variables are single letters, so `xy` is x*y),
// and every numeric literal becomes a placeholder symbol ($n0, $n1, …) whose exact value is kept on
// the side, so 12345678901234567890 and 0.1 stay exact.
import { parseDecimal, type Rational } from './rational';

export class TranslateError extends Error {}

export interface Translation {
  /** The tokens as text, e.g. `( ( $n0 ) / ( $n1 ) ) * v_x`, for reasons and debugging. */
  readonly text: string;
  /** Exact values of the `$nK` placeholders. */
  readonly literals: ReadonlyMap<string, Rational>;
  /** The tokens, with implicit products made explicit (as '*' marked implicit). */
  readonly tokens: readonly Tok[];
}

export type Kind = 'atom' | 'open' | 'close' | 'op' | 'func' | 'postfix' | 'sep';
export interface Tok {
  t: string;
  k: Kind;
  /** A product LaTeX leaves implicit (2x): it binds tighter than an explicit * or /. */
  implicit?: boolean;
}

const MAX_DEPTH = 60;
const MAX_TOKENS = 4000;

/** Functions evaluate.ts knows; LaTeX name → our name. */
const FUNCTIONS: Record<string, string> = {
  sin: 'sin', cos: 'cos', tan: 'tan', sec: 'sec', csc: 'csc', cot: 'cot',
  arcsin: 'asin', arccos: 'acos', arctan: 'atan', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh',
  ln: 'ln', log: 'log', lg: 'log10', exp: 'exp', sqrt: 'sqrt', det: 'det',
};
const INVERSE: Record<string, string> = { sin: 'asin', cos: 'acos', tan: 'atan' };

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota',
  'kappa', 'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi',
  'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Sigma', 'Phi', 'Psi', 'Omega',
]);

/** Letter runs in plain text that mean a function or a constant rather than a product of variables. */
const WORDS = ['arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'sqrt', 'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'log', 'exp', 'ln', 'pi'];

const IGNORED_COMMANDS = new Set(['circ', 'degree', 'displaystyle', 'textstyle', 'left', 'right', 'big', 'Big', 'bigl', 'bigr', 'Bigl', 'Bigr', 'limits']);

export function latexToTokens(latex: string): Translation {
  return new Translator(latex).run();
}

class Translator {
  private i = 0;
  private depth = 0;
  private readonly literals = new Map<string, Rational>();
  private tokenCount = 0;
  /** Indices of the \sum / \prod being read (innermost last). */
  private readonly boundIndices: string[] = [];

  constructor(private readonly s: string) {}

  run(): Translation {
    const toks = this.sequence(() => false);
    if (this.i < this.s.length) throw new TranslateError(`unexpected '${this.s[this.i]}' at position ${this.i}`);
    if (toks.length === 0) throw new TranslateError('empty expression');
    const tokens = withImplicitProducts(toks, this.literals);
    return { text: tokens.map((t) => t.t).join(' '), literals: this.literals, tokens };
  }

  private fail(what: string): never {
    throw new TranslateError(`${what} at position ${this.i}`);
  }

  private skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private peekCommand(): string | undefined {
    const m = /^\\([A-Za-z]+|.)/.exec(this.s.slice(this.i, this.i + 40));
    return m?.[1];
  }

  private literal(text: string): Tok {
    const name = `$n${this.literals.size}`;
    try {
      this.literals.set(name, parseDecimal(text));
    } catch (e) {
      throw new TranslateError(`number '${text.slice(0, 30)}': ${(e as Error).message}`);
    }
    return { t: name, k: 'atom' };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  /** Reads items until `stop` says so (it sees the remaining text) or the input ends. */
  private sequence(stop: () => boolean): Tok[] {
    this.enter();
    const out: Tok[] = [];
    for (;;) {
      this.skipSpace();
      if (this.i >= this.s.length || stop()) break;
      const c = this.s[this.i];
      if (c === '}' || c === ')' || c === ']') break;
      if ('+-*/'.includes(c)) {
        this.i++;
        out.push({ t: c, k: 'op' });
        continue;
      }
      if (c === '^') {
        this.i++;
        out.push({ t: '^', k: 'op' }, ...this.wrap(this.atom()));
        continue;
      }
      if (c === '!') {
        this.i++;
        out.push({ t: '!', k: 'postfix' });
        continue;
      }
      if (c === '|') {
        this.i++;
        out.push({ t: 'abs', k: 'func' }, ...this.wrap(this.sequence(() => this.s[this.i] === '|')));
        if (this.s[this.i] !== '|') this.fail('unclosed |');
        this.i++;
        continue;
      }
      const cmd = c === '\\' ? this.peekCommand() : undefined;
      if (cmd === 'cdot' || cmd === 'times' || cmd === 'ast' || cmd === 'div') {
        this.i += cmd.length + 1;
        out.push({ t: cmd === 'div' ? '/' : '*', k: 'op' });
        continue;
      }
      if (cmd === '%') {
        this.i += 2;
        out.push({ t: '*', k: 'op' }, this.literal('0.01'));
        continue;
      }
      if (cmd === 'rvert' || cmd === 'rfloor' || cmd === 'rceil') break;
      out.push(...this.atom());
      if (out.length + this.tokenCount > MAX_TOKENS) this.fail('expression too long');
    }
    this.depth--;
    this.tokenCount += out.length;
    return out;
  }

  private wrap(toks: Tok[]): Tok[] {
    return [{ t: '(', k: 'open' }, ...toks, { t: ')', k: 'close' }];
  }

  /** A brace group `{…}` or, LaTeX-style, a single token (used for \frac12, x^2, \sqrt2). */
  private argument(): Tok[] {
    this.skipSpace();
    const c = this.s[this.i];
    if (c === undefined) this.fail('missing argument');
    if (c === '{') return this.group('{', '}');
    if (/\d/.test(c)) {
      this.i++;
      return [this.literal(c)];
    }
    return this.atom();
  }

  private group(open: string, close: string): Tok[] {
    if (this.s[this.i] !== open) this.fail(`expected '${open}'`);
    this.i++;
    const inner = this.sequence(() => false);
    this.skipSpace();
    if (this.s[this.i] !== close && !(close === ')' && this.s[this.i] === ']') && !(close === ']' && this.s[this.i] === ')')) {
      this.fail(`expected '${close}'`);
    }
    this.i++;
    return this.wrap(inner);
  }

  private atom(): Tok[] {
    this.enter();
    const r = this.atomInner();
    this.depth--;
    return r;
  }

  private atomInner(): Tok[] {
    this.skipSpace();
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) this.fail('missing operand');
    if (c === '{') return this.group('{', '}');
    if (c === '(') return this.group('(', ')');
    if (c === '[') return this.group('[', ']');
    if (c === '-' || c === '+') {
      // A sign inside an exponent or argument: x^-1, \frac{-1}{2} are handled by sequence(); here x^{-1} written x^-1.
      this.i++;
      return [{ t: c, k: 'op' }, ...this.atom()];
    }
    const num = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)(?![A-Za-z]))?/.exec(s.slice(this.i, this.i + 400));
    if (num) {
      if (num[0].length >= 400) this.fail('number too long');
      this.i += num[0].length;
      if (s[this.i] === '_') return [this.baseNumber(num[0])];
      const lit = this.literal(num[0]);
      const mixed = !num[0].includes('.') && !num[2] ? this.mixedFraction() : undefined;
      return mixed ? this.wrap([lit, { t: '+', k: 'op' }, ...mixed]) : [lit];
    }
    if (/[A-Za-z]/.test(c)) return this.letters();
    if (c === '\\') return this.command();
    return this.fail(`unexpected '${c}'`);
  }

  /** `1011_2`: a number written in another base is compared by its digits and base, as an opaque symbol. */
  private baseNumber(digits: string): Tok {
    this.i++;
    const base = this.argument().map((t) => t.t).join('');
    const label = base.replace(/\$n\d+/g, (n) => String(this.literals.get(n)?.num ?? n));
    return { t: `base_${digits.replace('.', 'p')}_${label.replace(/[^A-Za-z0-9]/g, '')}`, k: 'atom' };
  }

  /** After an integer: `\frac{1}{2}` with integer parts makes a mixed number 2\frac12 = 2 + 1/2. */
  private mixedFraction(): Tok[] | undefined {
    const m = /^\s*\\[dtc]?frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return undefined;
    this.i += m[0].length;
    return this.wrap([this.literal(m[1] ?? m[2]), { t: '/', k: 'op' }, this.literal(m[3] ?? m[4])]);
  }

  private letters(): Tok[] {
    const run = /^[A-Za-z]+/.exec(this.s.slice(this.i, this.i + 200))![0];
    let j = 0;
    const out: Tok[] = [];
    while (j < run.length) {
      const word = WORDS.find((w) => run.startsWith(w, j));
      if (word) {
        j += word.length;
        this.i += word.length;
        if (word === 'pi') out.push({ t: 'pi', k: 'atom' });
        else out.push(...this.applyFunction(word));
        continue;
      }
      j++;
      this.i++;
      out.push(...this.variable(run[j - 1]));
    }
    return out;
  }

  /**
   * A variable with optional subscript and primes: x, x_1, f'. A subscript that holds a variable
   * (a_n, F_{n-k-1}) makes a term of an unknown sequence: idx_F(n-k-1), a function of its index.
   */
  private variable(base: string): Tok[] {
    let name = base;
    let index: Tok[] | undefined;
    if (this.s[this.i] === '_') {
      this.i++;
      const sub = this.argument();
      if (sub.some((t) => t.t.startsWith('v_'))) index = sub;
      else name += '_' + sub.map((t) => t.t).join('').replace(/\$n(\d+)/g, (n) => String(this.literals.get(n)?.num ?? n)).replace(/[^A-Za-z0-9]/g, '');
    }
    while (this.s[this.i] === "'") {
      this.i++;
      name += '_prime';
    }
    if (index) return [{ t: `idx_${name}`, k: 'func' }, ...this.wrap(index)];
    // A summation index named i or e is that index, not the imaginary unit or Euler's number.
    if ((name === 'e' || name === 'i' || name === 'pi') && !this.boundIndices.includes(name)) return [{ t: name, k: 'atom' }];
    return [{ t: `v_${name}`, k: 'atom' }];
  }

  /** \sum_{k=a}^{b} body and \prod likewise: a finite sum or product over a bound index. */
  private bigOperator(name: 'sum' | 'prod'): Tok[] {
    this.skipSpace();
    if (this.s.startsWith('\\limits', this.i)) this.i += '\\limits'.length;
    this.skipSpace();
    if (this.s[this.i] !== '_') this.fail(`\\${name} without a lower bound`);
    this.i++;
    this.skipSpace();
    if (this.s[this.i] !== '{') this.fail(`\\${name}_ needs {index=start}`);
    this.i++;
    this.skipSpace();
    const index = /^(?:[A-Za-z]|\\[A-Za-z]+)/.exec(this.s.slice(this.i, this.i + 30));
    if (!index) this.fail(`\\${name} without an index variable`);
    this.i += index[0].length;
    this.skipSpace();
    if (this.s[this.i] !== '=') this.fail(`\\${name}_{…} needs index=start`);
    this.i++;
    const lo = this.sequence(() => this.s[this.i] === '}');
    if (this.s[this.i] !== '}') this.fail(`expected '}'`);
    this.i++;
    this.skipSpace();
    if (this.s[this.i] !== '^') this.fail(`\\${name} without an upper bound`);
    this.i++;
    const hi = this.argument();
    this.boundIndices.push(index[0].replace('\\', ''));
    const body = this.juxtaposed(`\\${name}`);
    this.boundIndices.pop();
    const indexTok: Tok = { t: `v_${index[0].replace('\\', '')}`, k: 'atom' };
    return [{ t: name === 'sum' ? 'sumOver' : 'prodOver', k: 'func' }, { t: '(', k: 'open' }, indexTok, { t: ',', k: 'sep' }, ...lo, { t: ',', k: 'sep' }, ...hi, { t: ',', k: 'sep' }, ...body, { t: ')', k: 'close' }];
  }

  /** The factors written side by side that follow (\sin 2x = sin(2x); \sum_k a_k b_k), up to an operator. */
  private juxtaposed(what: string): Tok[] {
    const arg: Tok[] = [];
    for (;;) {
      this.skipSpace();
      const d = this.s[this.i];
      if (d === undefined || /[+\-*/=<>,;)\]}|!]/.test(d)) break;
      const cmd = d === '\\' ? this.peekCommand() : undefined;
      if (cmd && (FUNCTIONS[cmd] || ['cdot', 'times', 'div', 'rvert', 'rfloor', 'rceil', '%'].includes(cmd))) break;
      if (/[A-Za-z]/.test(d) && WORDS.some((w) => w !== 'pi' && this.s.startsWith(w, this.i))) break;
      arg.push(...this.atom());
      if (this.s[this.i] === '^') {
        this.i++;
        arg.push({ t: '^', k: 'op' }, ...this.wrap(this.atom()));
      }
      if (this.s[this.i] === '!') {
        this.i++;
        arg.push({ t: '!', k: 'postfix' });
      }
    }
    if (arg.length === 0) this.fail(`${what} without an argument`);
    return arg;
  }

  private command(): Tok[] {
    const name = this.peekCommand();
    if (!name) this.fail('lone backslash');
    this.i += name.length + 1;
    if (IGNORED_COMMANDS.has(name)) return [];
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'cfrac') {
      const a = this.argument();
      const b = this.argument();
      return this.wrap([...this.wrap(a), { t: '/', k: 'op' }, ...this.wrap(b)]);
    }
    if (name === 'binom' || name === 'dbinom' || name === 'tbinom') {
      const a = this.argument();
      const b = this.argument();
      return [{ t: 'binom', k: 'func' }, { t: '(', k: 'open' }, ...a, { t: ',', k: 'sep' }, ...b, { t: ')', k: 'close' }];
    }
    if (name === 'sqrt') {
      this.skipSpace();
      if (this.s[this.i] === '[') {
        this.i++;
        const index = this.sequence(() => this.s[this.i] === ']');
        if (this.s[this.i] !== ']') this.fail("expected ']'");
        this.i++;
        const arg = this.argument();
        return [{ t: 'nthRoot', k: 'func' }, { t: '(', k: 'open' }, ...arg, { t: ',', k: 'sep' }, ...index, { t: ')', k: 'close' }];
      }
      return [{ t: 'sqrt', k: 'func' }, ...this.wrap(this.argument())];
    }
    if (name === 'pi') return [{ t: 'pi', k: 'atom' }];
    if (name === 'infty' || name === 'infinity') return [{ t: 'Infinity', k: 'atom' }];
    if (name === 'lfloor' || name === 'lceil') return this.delimited(name === 'lfloor' ? 'floor' : 'ceil', name === 'lfloor' ? 'rfloor' : 'rceil');
    if (name === 'lvert' || name === 'vert') return this.delimited('abs', name === 'lvert' ? 'rvert' : 'vert');
    if (name === 'operatorname' || name === 'mathrm' || name === 'text') {
      const inner = /^\s*\{\s*([A-Za-z]+)\s*\}/.exec(this.s.slice(this.i, this.i + 60));
      if (!inner) this.fail(`\\${name} with a non-word argument`);
      this.i += inner[0].length;
      if (FUNCTIONS[inner[1]]) return this.applyFunction(inner[1]);
      if (inner[1].length === 1) return this.variable(inner[1]);
      return this.fail(`unknown operator '${inner[1]}'`);
    }
    if (FUNCTIONS[name]) return this.applyFunction(name);
    if (GREEK.has(name)) return this.variable(name);
    if (name === 'sum' || name === 'prod') return this.bigOperator(name);
    return this.fail(`unsupported command \\${name}`);
  }

  private delimited(func: string, closer: string): Tok[] {
    const inner = this.sequence(() => this.peekCommand() === closer && this.s[this.i] === '\\');
    if (this.peekCommand() !== closer) this.fail(`missing \\${closer}`);
    this.i += closer.length + 1;
    return [{ t: func, k: 'func' }, ...this.wrap(inner)];
  }

  /** `\sin x`, `\sin(2x)`, `\sin^2 x`, `\sin^{-1} x`, `\log_2 8`. */
  private applyFunction(latexName: string): Tok[] {
    let fn = FUNCTIONS[latexName];
    let power: Tok[] | undefined;
    let base: Tok[] | undefined;
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === '^') {
        this.i++;
        const p = this.argument();
        const inverse = p.map((t) => t.t).join('');
        if (INVERSE[latexName] && /^\(?-\$n\d+\)?$/.test(inverse) && this.literals.get(inverse.replace(/[()-]/g, ''))?.num === 1n) fn = INVERSE[latexName];
        else power = p;
        continue;
      }
      if (this.s[this.i] === '_' && latexName === 'log') {
        this.i++;
        base = this.argument();
        continue;
      }
      break;
    }
    this.skipSpace();
    let arg: Tok[];
    const c = this.s[this.i];
    if (c === '(' || c === '{' || c === '[') arg = this.atom();
    else arg = this.juxtaposed(`\\${latexName}`);
    const call: Tok[] = base
      ? [{ t: 'log', k: 'func' }, { t: '(', k: 'open' }, ...arg, { t: ',', k: 'sep' }, ...base, { t: ')', k: 'close' }]
      : [{ t: fn, k: 'func' }, ...this.wrap(arg)];
    return power ? [...this.wrap(call), { t: '^', k: 'op' }, ...this.wrap(power)] : call;
  }
}

const ENDS_OPERAND = new Set<Kind>(['atom', 'close', 'postfix']);
const STARTS_OPERAND = new Set<Kind>(['atom', 'open', 'func']);

/** Inserts the products LaTeX leaves implicit (2x, x(x+1), 2\sqrt3), marked so the parser can bind them tighter. */
function withImplicitProducts(toks: Tok[], literals: ReadonlyMap<string, Rational>): Tok[] {
  const show = (t: string) => { const q = literals.get(t); return q ? (q.den === 1n ? String(q.num) : `${q.num}/${q.den}`) : t; };
  const out: Tok[] = [];
  for (let j = 0; j < toks.length; j++) {
    // "2 3" is not a product anyone writes; refusing it keeps "1 000" from meaning 0.
    if (j > 0 && toks[j - 1].t.startsWith('$n') && toks[j].t.startsWith('$n')) throw new TranslateError(`two numbers side by side (${show(toks[j - 1].t)} ${show(toks[j].t)})`);
    if (j > 0 && ENDS_OPERAND.has(toks[j - 1].k) && STARTS_OPERAND.has(toks[j].k)) out.push({ t: '*', k: 'op', implicit: true });
    out.push(toks[j]);
  }
  return out;
}
