/** Every property of every pattern, in pattern order. */
import type { AnyTarget } from '../src/index.js';
import { properties as p01 } from './p01-static-vs-dynamic-supervision.js';
import { properties as p02 } from './p02-partition-supervisor.js';
import { properties as p03 } from './p03-supervision-strategies.js';
import { properties as p04 } from './p04-restart-intensity.js';
import { properties as p05 } from './p05-restart-values.js';
import { properties as p06 } from './p06-auto-shutdown.js';
import { properties as p07 } from './p07-task-async-await.js';
import { properties as p08 } from './p08-async-nolink.js';
import { properties as p09 } from './p09-task-supervisor.js';
import { properties as p10 } from './p10-registry.js';
import { properties as p11 } from './p11-shutdown-semantics.js';
import { properties as p12 } from './p12-dynamic-supervisor-state.js';
import { properties as p13 } from './p13-restart-backoff.js';
import { properties as p14 } from './p14-process-lineage.js';
import { properties as p15 } from './p15-deferred-reply.js';
import { properties as p16 } from './p16-process-alias.js';
import { properties as p17 } from './p17-registry-partitioning.js';
import { properties as p18 } from './p18-init-returns.js';

export const PROPERTIES: readonly AnyTarget[] = [...p01, ...p02, ...p03, ...p04, ...p05, ...p06, ...p07, ...p08, ...p09, ...p10, ...p11, ...p12, ...p13, ...p14, ...p15, ...p16, ...p17, ...p18];
