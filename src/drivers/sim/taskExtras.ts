/**
 * Task commands beyond the generated ones (`task_completed`, `task_yield_many`, `tsup_start`,
 * `tsup_start_child`), mirroring the Elixir driver's `Beamcheck.Tasks`: tasks belong to the case's
 * task owner and are named by the case; a raise in the Task function is the result
 * `{"raise": EXC}`.
 */
import type { Json } from '../../term/json.js';
import { Pid, Ref, Tuple, isTagged, type Term } from '../../term/Term.js';
import * as Task from '../../otp/Task.js';
import * as TaskSupervisor from '../../otp/TaskSupervisor.js';
import type { Command } from '../Driver.js';
import { guarded, raisedOr, type SimContext } from './context.js';
import { RequestError, str, termOf, timeoutOf } from './params.js';

/** A `yield`/`shutdown` result: `{"ok": V}`, `{"exit": R}` or `"nil"`. */
export function taskResult(ctx: SimContext, v: Term): Json {
  if (isTagged(v, 'ok', 2)) return { ok: ctx.canon(v[1]!) };
  if (isTagged(v, 'exit', 2)) return { exit: ctx.canon(v[1]!) };
  return ctx.canon(v);
}

/** `task_completed`: `Task.completed(result)`, owned by the owner; it has no process. */
export function taskCompleted(ctx: SimContext, c: Command): () => Json {
  const name = str(c, 'name');
  const owner = ctx.ensureOwner();
  if (ctx.c.tasks.has(name)) throw new RequestError(`task ${JSON.stringify(name)} exists already`);
  const value = termOf(c['result'] ?? 'ok', 'result');
  const dead = ctx.deadOwner(owner);
  if (dead !== undefined) return ctx.ownerExit(dead);
  const r = ctx.inAgent(owner, () => Task.completed(value));
  if ('died' in r) return ctx.ownerExit(r.died);
  if (!('value' in r)) throw new RequestError(`task_completed failed: ${JSON.stringify(ctx.canon(r.exit))}`);
  ctx.c.tasks.set(name, { task: r.value as Task.Task, owner });
  return () => 'ok';
}

/**
 * `task_yield_many`: `Task.yield_many(tasks, timeout)`, or with `limit` the options form (Elixir
 * 1.15+). `[[NAME, RESULT], …]` in the order of `names`.
 */
export function taskYieldMany(ctx: SimContext, c: Command): () => Json {
  const names = c['names'];
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) throw new RequestError('task_yield_many: "names" must be a list of strings');
  const timeout = timeoutOf(c, 'timeout');
  const argument: Task.Timeout | Task.YieldManyOptions = c['limit'] === undefined ? timeout : { limit: termOf(c['limit']) as number, timeout };
  const owner = ctx.ensureOwner();
  const tasks = names.map((name) => {
    const entry = ctx.c.tasks.get(name);
    if (!entry || entry.owner !== owner) throw new RequestError(`unknown task ${JSON.stringify(name)}`);
    return entry.task;
  });
  const dead = ctx.deadOwner(owner);
  if (dead !== undefined) return ctx.ownerExit(dead);
  const r = ctx.inAgent(owner, () => guarded(() => Task.yieldMany(tasks, argument)));
  if ('died' in r) return ctx.ownerExit(r.died);
  const nameOf = (task: Term): string => names[tasks.findIndex((x) => (x.ref as Ref).id === ((task as Task.Task).ref as Ref).id)]!;
  return ctx.valueOrExit(r, (v) =>
    raisedOr(ctx, v, (list) =>
      (list as Tuple[])
        .map((pair) => [nameOf(pair[0]!), taskResult(ctx, pair[1]!)] as [string, Json])
        .sort((a, b) => names.indexOf(a[0]) - names.indexOf(b[0])),
    ),
  );
}

/** `tsup_start`: the case's Task.Supervisor, with the deprecated `:restart`/`:shutdown` defaults. */
export function tsupStart(ctx: SimContext, c: Command): () => Json {
  const cs = ctx.c;
  if (cs.taskSup !== null) throw new RequestError("the case's Task.Supervisor is already running");
  const options: TaskSupervisor.TaskSupervisorOptions = {};
  // Any term goes through, as in the Elixir driver: OTP decides what is valid.
  if (c['restart'] !== undefined) options.restart = termOf(c['restart']) as TaskSupervisor.TaskSupervisorOptions['restart'];
  if (c['shutdown'] !== undefined) options.shutdown = termOf(c['shutdown']) as TaskSupervisor.TaskSupervisorOptions['shutdown'];
  const r = ctx.inAgent(cs.holder, () => TaskSupervisor.startLink(options));
  if (!('value' in r) || !isTagged(r.value, 'ok', 2) || !(r.value[1] instanceof Pid)) throw new RequestError('Task.Supervisor.start_link failed');
  cs.taskSup = r.value[1];
  return () => 'ok';
}

/**
 * `tsup_start_child`: the owner calls `Task.Supervisor.start_child(tsup, fun)`; the task returns
 * `:ok` at once and is named "task:NAME".
 */
export function tsupStartChild(ctx: SimContext, c: Command): () => Json {
  const name = str(c, 'name');
  const owner = ctx.ensureOwner();
  const tsup = ctx.ensureTaskSup();
  const dead = ctx.deadOwner(owner);
  if (dead !== undefined) return ctx.ownerExit(dead);
  const r = ctx.inAgent(owner, () => TaskSupervisor.startChild(tsup, () => 'ok'));
  if ('died' in r) return ctx.ownerExit(r.died);
  if ('value' in r && isTagged(r.value, 'ok', 2) && r.value[1] instanceof Pid) ctx.c.recorder.name(r.value[1], `task:${name}`);
  return ctx.valueOrExit(r);
}

