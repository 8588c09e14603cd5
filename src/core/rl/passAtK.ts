// Evaluation estimators. pass@1 is reported as avg@k (the mean success over k samples per problem,
// the DeepSeek-R1 / AceReason protocol); pass@k uses the unbiased estimator of Chen et al. (2021),
// 1 − C(n−c, k) / C(n, k), as LiveCodeBench's pass_k_utils computes it, averaged over problems.

/** Unbiased pass@k for one problem with n samples of which c are correct. */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new Error(`passAtK: need integers 0 ≤ c ≤ n and 1 ≤ k ≤ n (got n=${n}, c=${c}, k=${k})`);
  }
  if (n - c < k) return 1;
  // 1 − Π_{i=n−c+1}^{n} (1 − k/i): the numerically stable product form of the binomial ratio.
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** avg@k for one problem: the fraction of its samples that are correct. */
export function avgAtK(results: readonly boolean[]): number {
  if (results.length === 0) throw new Error('avgAtK: no samples');
  return results.filter(Boolean).length / results.length;
}

export interface EvalSummary {
  problems: number;
  samplesPerProblem: number;
  /** Mean over problems of avg@k (pass@1). */
  meanAtK: number;
  /** Mean over problems of unbiased pass@k with k = samplesPerProblem. */
  passAtK: number;
}

/** Summarises per-problem results (each a list of k pass/fail outcomes). */
export function summarizeEval(perProblem: readonly (readonly boolean[])[]): EvalSummary {
  if (perProblem.length === 0) return { problems: 0, samplesPerProblem: 0, meanAtK: 0, passAtK: 0 };
  const k = perProblem[0].length;
  let mean = 0;
  let pk = 0;
  perProblem.forEach((r, i) => {
    if (r.length !== k) throw new Error(`summarizeEval: problem ${i} has ${r.length} samples, expected ${k}`);
    mean += avgAtK(r);
    pk += passAtK(r.length, r.filter(Boolean).length, k);
  });
  return { problems: perProblem.length, samplesPerProblem: k, meanAtK: mean / perProblem.length, passAtK: pk / perProblem.length };
}
