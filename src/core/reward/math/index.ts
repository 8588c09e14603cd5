// The math reward's public surface, for the trainer, the CodeLens and the CLI.
export { verifyMath, verifyMathAnswer, mathReward, DEFAULT_TIME_MS, type MathVerdict, type MathVerifyOptions } from './verify';
export { MathVerifierPool, DEFAULT_POOL_TIMEOUT_MS, type MathVerifierPoolOptions, type PoolCheckOptions } from './pool';
export { extractAnswer, unwrapAnswer, type Extraction, type ExtractionMethod } from './extract';
export { DEFAULT_RELATIVE_TOLERANCE } from './equivalence';
