/** Every scenario variant (before / after / over / better) of every pattern. */
import type { AnyTarget } from '../src/index.js';

export const SCENARIOS: readonly AnyTarget[] = [];
