/** Every scenario variant (before / after / over / better) of every pattern, in pattern order. */
import type { AnyTarget } from '../src/index.js';
import { variants as p01 } from './p01-static-vs-dynamic-supervision.js';
import { variants as p02 } from './p02-partition-supervisor.js';
import { variants as p03 } from './p03-supervision-strategies.js';
import { variants as p04 } from './p04-restart-intensity.js';
import { variants as p05 } from './p05-restart-values.js';
import { variants as p06 } from './p06-auto-shutdown.js';
import { variants as p07 } from './p07-task-async-await.js';
import { variants as p08 } from './p08-async-nolink.js';
import { variants as p09 } from './p09-task-supervisor.js';
import { variants as p10 } from './p10-registry.js';
import { trappingExits, variants as p11 } from './p11-shutdown-semantics.js';
import { variants as p12 } from './p12-dynamic-supervisor-state.js';
import { variants as p13 } from './p13-restart-backoff.js';
import { variants as p14 } from './p14-process-lineage.js';
import { variants as p15 } from './p15-deferred-reply.js';
import { variants as p16 } from './p16-process-alias.js';
import { variants as p17 } from './p17-registry-partitioning.js';
import { variants as p18 } from './p18-init-returns.js';

export const SCENARIOS: readonly AnyTarget[] = [...p01, ...p02, ...p03, ...p04, ...p05, ...p06, ...p07, ...p08, ...p09, ...p10, ...p11, ...trappingExits(), ...p12, ...p13, ...p14, ...p15, ...p16, ...p17, ...p18];
