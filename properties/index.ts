/** Every property of every pattern. */
import type { AnyTarget } from '../src/index.js';

export const PROPERTIES: readonly AnyTarget[] = [];
