// The records every layer shares: a prompt with a verifiable answer (math) or tests (code).
// Readers map public layouts (DeepScaleR, NuminaMath, LeetCode, APPS/TACO, …) onto these.

export interface CodeTest {
  /** stdin text, or for function-call tests one JSON value per line (the arguments in order). */
  input: string;
  /** expected stdout, or for function-call tests the JSON of the expected return value. */
  output: string;
}

interface RecordBase {
  /** Stable id, unique within a dataset. Labels and samples refer to prompts by this id. */
  id: string;
  /** Where the record came from (dataset name or file), used for filters and val-core/<source>. */
  source: string;
  /** The prompt text shown to the model (without the recipe's instruction suffix). */
  problem: string;
  split?: 'train' | 'test' | 'val';
  /** Difficulty from the pass rate of k rollouts (0..1), when measured. */
  passRate?: number;
  difficulty?: number;
  /** ISO date, for date-cutoff decontamination. */
  date?: string;
  meta?: Record<string, unknown>;
}

export interface MathRecord extends RecordBase {
  domain: 'math';
  /** The reference final answer (LaTeX allowed). */
  answer: string;
  solution?: string;
}

export interface CodeRecord extends RecordBase {
  domain: 'code';
  /** 'stdin' = stdin/stdout tests; 'functional' = call `fn_name` with JSON arguments. */
  format: 'stdin' | 'functional';
  tests: CodeTest[];
  fnName?: string;
  starterCode?: string;
  /** Reference solutions (code strings), when the source has them. */
  solutions?: string[];
  language?: 'python' | 'javascript';
  timeLimitS?: number;
  memoryLimitMb?: number;
}

export type PromptRecord = MathRecord | CodeRecord;

/** The recipe's instructions (AceReason-Nemotron, appendix A.1). */
export const MATH_INSTRUCTION = 'Please reason step by step, and put your final answer within \\boxed{}.';
export const CODE_INSTRUCTION =
  'Write Python code to solve the problem. Please place the solution code in the following format:\n```python\n# Your solution code here\n```';
