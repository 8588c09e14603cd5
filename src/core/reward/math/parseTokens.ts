// Operator-precedence parse of the translated token stream (latexTokens.ts) into the tree that
// evaluate.ts walks. Hand-written instead of mathjs's parser: mathjs built hundreds of typed
// functions at start-up (over a second per process, which is most of a `verify math` run) and cost
// ~0.3 ms per answer; this is a few dozen lines over tokens that are already classified.
//   sum     := product (('+' | '-') product)*
//   product := implicit (('*' | '/') implicit)*        explicit * and /
//   implicit:= unary (implicit-* unary)*               2x binds tighter: 1/2x = 1/(2x) ...
//   unary   := ('-' | '+') unary | power
//   power   := postfix ('^' unary)?                    right-associative, -x^2 = -(x^2)
//   postfix := primary '!'*
//   primary := atom | '(' sum ')' | func '(' sum (',' sum)* ')'
// ... except that a quotient of two plain numbers is a coefficient: 3/4x = (3/4)x (as mathjs reads it).
import { TranslateError, type Tok } from './latexTokens';

export type ExprNode =
  | { readonly type: 'SymbolNode'; readonly name: string }
  | { readonly type: 'ParenthesisNode'; readonly content: ExprNode }
  | { readonly type: 'OperatorNode'; readonly fn: OperatorName; readonly args: readonly ExprNode[] }
  | { readonly type: 'FunctionNode'; readonly fn: { readonly name: string }; readonly args: readonly ExprNode[] };

export type OperatorName = 'add' | 'subtract' | 'multiply' | 'divide' | 'pow' | 'unaryMinus' | 'unaryPlus' | 'factorial';

const MAX_DEPTH = 400;

export function parseTokens(tokens: readonly Tok[]): ExprNode {
  const p = new Parser(tokens);
  const node = p.sum();
  if (!p.done()) throw new TranslateError(`unexpected '${p.peek()?.t}'`);
  return node;
}

/** Calls `visit` on every node, parents first. */
export function walk(node: ExprNode, visit: (n: ExprNode) => void): void {
  const stack: ExprNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    if (n.type === 'ParenthesisNode') stack.push(n.content);
    else if (n.type === 'OperatorNode' || n.type === 'FunctionNode') for (const a of n.args) stack.push(a);
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly toks: readonly Tok[]) {}

  done(): boolean {
    return this.i >= this.toks.length;
  }

  peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(t: Tok | undefined, op: string, implicit?: boolean): boolean {
    return !!t && t.k === 'op' && t.t === op && (implicit === undefined || !!t.implicit === implicit);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new TranslateError('expression nested too deeply');
  }

  sum(): ExprNode {
    this.enter();
    let left = this.product();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '+') || this.isOp(t, '-')) {
        this.i++;
        left = { type: 'OperatorNode', fn: t!.t === '+' ? 'add' : 'subtract', args: [left, this.product()] };
      } else break;
    }
    this.depth--;
    return left;
  }

  private product(): ExprNode {
    let left = this.implicit();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '*', false) || this.isOp(t, '/')) {
        this.i++;
        if (t!.t === '/' && isNumber(left) && this.isNumberThenImplicit()) {
          // 3/4x: the number after / divides the coefficient, and the implicit product follows.
          const den = this.unary();
          left = { type: 'OperatorNode', fn: 'divide', args: [left, den] };
          continue;
        }
        left = { type: 'OperatorNode', fn: t!.t === '*' ? 'multiply' : 'divide', args: [left, this.implicit()] };
      } else if (this.isOp(t, '*', true)) {
        // An implicit product right after a coefficient quotient (3/4 x).
        this.i++;
        left = { type: 'OperatorNode', fn: 'multiply', args: [left, this.implicit()] };
      } else break;
    }
    return left;
  }

  private isNumberThenImplicit(): boolean {
    const t = this.toks[this.i];
    return !!t && t.k === 'atom' && t.t.startsWith('$n') && this.isOp(this.toks[this.i + 1], '*', true);
  }

  private implicit(): ExprNode {
    let left = this.unary();
    while (this.isOp(this.peek(), '*', true)) {
      this.i++;
      left = { type: 'OperatorNode', fn: 'multiply', args: [left, this.unary()] };
    }
    return left;
  }

  private unary(): ExprNode {
    const t = this.peek();
    if (this.isOp(t, '-') || this.isOp(t, '+')) {
      this.i++;
      this.enter();
      const arg = this.unary();
      this.depth--;
      return { type: 'OperatorNode', fn: t!.t === '-' ? 'unaryMinus' : 'unaryPlus', args: [arg] };
    }
    return this.power();
  }

  private power(): ExprNode {
    const base = this.postfix();
    if (this.isOp(this.peek(), '^')) {
      this.i++;
      this.enter();
      const exponent = this.unary();
      this.depth--;
      return { type: 'OperatorNode', fn: 'pow', args: [base, exponent] };
    }
    return base;
  }

  private postfix(): ExprNode {
    let node = this.primary();
    while (this.peek()?.k === 'postfix') {
      this.i++;
      node = { type: 'OperatorNode', fn: 'factorial', args: [node] };
    }
    return node;
  }

  private primary(): ExprNode {
    const t = this.peek();
    if (!t) throw new TranslateError('missing operand at the end');
    if (t.k === 'atom') {
      this.i++;
      return { type: 'SymbolNode', name: t.t };
    }
    if (t.k === 'open') {
      this.i++;
      const inner = this.sum();
      this.expect('close', ')');
      return { type: 'ParenthesisNode', content: inner };
    }
    if (t.k === 'func') {
      this.i++;
      this.expect('open', '(');
      const args = [this.sum()];
      while (this.peek()?.k === 'sep') {
        this.i++;
        args.push(this.sum());
      }
      this.expect('close', ')');
      return { type: 'FunctionNode', fn: { name: t.t }, args };
    }
    throw new TranslateError(`unexpected '${t.t}'`);
  }

  private expect(kind: Tok['k'], what: string): void {
    if (this.peek()?.k !== kind) throw new TranslateError(`expected '${what}'${this.peek() ? ` before '${this.peek()!.t}'` : ' at the end'}`);
    this.i++;
  }
}

function isNumber(n: ExprNode): boolean {
  return n.type === 'SymbolNode' && n.name.startsWith('$n');
}
