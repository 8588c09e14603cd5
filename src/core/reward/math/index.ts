// The math reward's public surface, for the trainer, the CodeLens, the CLI and the HTTP service.
export { verifyMath, verifyMathAnswer, isVerifierFailure, DEFAULT_TIME_MS, MATH_VERDICT_STATES, type MathVerdict, type MathVerdictState, type MathVerifyOptions } from './verify';
export { MathVerifierPool, DEFAULT_POOL_TIMEOUT_MS, type MathVerifierPoolOptions, type PoolCheckOptions } from './pool';
export { extractAnswer, unwrapAnswer, type Extraction, type ExtractionMethod } from './extract';
export { DEFAULT_RELATIVE_TOLERANCE } from './equivalence';
export { DEFAULT_EXTRACT, DEFAULT_PRECISION, EXTRACTION_MODES, type ExtractionMode } from './options';
export { goldProblem } from './goldCheck';
export { answerClass, type AnswerClass } from './answerClass';
