/** Every scenario variant (before / after / over / better) of every pattern, in pattern order. */
import type { AnyTarget } from '../src/index.js';
import { variants as p04 } from './p04-restart-intensity.js';

export const SCENARIOS: readonly AnyTarget[] = [...p04];
