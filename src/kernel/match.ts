/**
 * Ready-made matchers for selective receive. A matcher returns `undefined` for "leave it queued";
 * these return the message itself. Each carries a description for deadlock reports.
 *
 * ```ts
 * const [, from, reason] = yield* receive(match.exit(worker));
 * const reply = yield* receive(match.oneOf(match.reply(ref), match.down(ref)), { after: 5000 });
 * ```
 */
import { equals } from '../term/compare.js';
import { format } from '../term/format.js';
import { Ref, Tuple, type Pid, type Term } from '../term/Term.js';
import type { Matcher } from './effects.js';

function matcher<R>(fn: (msg: Term) => R | undefined, description: string): Matcher<R> {
  return Object.assign(fn, { description });
}

function sameRef(x: Term | undefined, ref: Ref): boolean {
  return x instanceof Ref && x.id === ref.id;
}

export const match = {
  /** Any message. */
  any: matcher((m: Term) => m, 'any message'),

  /** A message equal (`=:=`) to `term`. */
  eq(term: Term): Matcher<Term> {
    return matcher((m) => (equals(m, term) ? m : undefined), format(term));
  },

  /** A tuple whose first element is the atom `tag` (and of `size` elements when given). */
  tagged(tag: string, size?: number): Matcher<Tuple> {
    return matcher(
      (m) => (m instanceof Tuple && m[0] === tag && (size === undefined || m.length === size) ? m : undefined),
      size === undefined ? `{:${tag}, …}` : `{:${tag}, …} of size ${size}`,
    );
  },

  /** `{:EXIT, from, reason}`, from a given pid when `from` is set. */
  exit(from?: Pid): Matcher<Tuple> {
    return matcher(
      (m) => (m instanceof Tuple && m.length === 3 && m[0] === 'EXIT' && (from === undefined || equals(m[1]!, from)) ? m : undefined),
      from === undefined ? '{:EXIT, _, _}' : `{:EXIT, ${from}, _}`,
    );
  },

  /** `{:DOWN, ref, :process, object, reason}` for monitor `ref`. */
  down(ref: Ref): Matcher<Tuple> {
    return matcher(
      (m) => (m instanceof Tuple && m.length === 5 && m[0] === 'DOWN' && sameRef(m[1], ref) ? m : undefined),
      `{:DOWN, ${ref}, _, _, _}`,
    );
  },

  /** `{ref, value}`: a reply tagged with `ref`. */
  reply(ref: Ref): Matcher<Tuple> {
    return matcher((m) => (m instanceof Tuple && m.length === 2 && sameRef(m[0], ref) ? m : undefined), `{${ref}, _}`);
  },

  /** The first matcher that accepts the message decides. */
  oneOf<R>(...matchers: Matcher<R>[]): Matcher<R> {
    return matcher(
      (m) => {
        for (const f of matchers) {
          const v = f(m);
          if (v !== undefined) return v;
        }
        return undefined;
      },
      matchers.map((f) => f.description ?? f.name).join(' | '),
    );
  },

  /** A predicate as a matcher. */
  where(predicate: (msg: Term) => boolean, description: string): Matcher<Term> {
    return matcher((m) => (predicate(m) ? m : undefined), description);
  },
};
