// zod compiles validators with `new Function` when eval is allowed, probing for it while schemas are
// being defined. Webview CSPs forbid eval and report the probe as a violation, so switch to the
// interpreter before any schema module is evaluated: import this module first.
import { config } from 'zod';

config({ jitless: true });
