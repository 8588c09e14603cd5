// The JavaScript (node) side of the sandbox: the program file for one test. Function-call tests
// append a small harness to the submission in the same module scope, so `class Solution`, a
// `function name` or a `var name = …` declared by the submission is visible to it. Arguments arrive
// as JSON lines on stdin; the JSON of the return value goes to fd 3 (stdout stays the program's own).

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function isValidFunctionName(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function javascriptProgram(code: string, fnName?: string): string {
  if (!fnName) return code;
  if (!isValidFunctionName(fnName)) throw new Error(`fn_name '${fnName}' is not a valid identifier`);
  return `${code}
;(function __acereasonCallHarness() {
  const __fs = require('fs');
  const __text = __fs.readFileSync(0, 'utf8');
  const __args = __text.trim() === '' ? [] : __text.split('\\n').map((line) => JSON.parse(line));
  let __target;
  if (typeof Solution === 'function') {
    const __instance = new Solution();
    if (typeof __instance[${JSON.stringify(fnName)}] === 'function') __target = __instance[${JSON.stringify(fnName)}].bind(__instance);
  }
  if (!__target) {
    try { __target = eval(${JSON.stringify(fnName)}); } catch (e) { __target = undefined; }
  }
  if (typeof __target !== 'function') {
    process.stderr.write(${JSON.stringify(`sandbox: no function '${fnName}' (neither Solution.prototype.${fnName} nor a top-level function)\n`)});
    process.exitCode = 3;
    return;
  }
  const __emit = (value) => {
    const text = JSON.stringify(value === undefined ? null : value);
    __fs.writeSync(3, text === undefined ? 'null' : text);
  };
  const __result = __target(...__args);
  if (__result && typeof __result.then === 'function') __result.then(__emit, (e) => { console.error(e); process.exitCode = 1; });
  else __emit(__result);
})();
`;
}
