// Compile-time check of action tables against the contract in typings/api. Nothing here does anything at run time:
// `defineActions` and `contractActions` return their table unchanged; their parameter types are the check.
import type { ActionInput, ActionName, ActionOutput, FunctionName } from '../../typings/api'
import type { ActionDef } from './router'

type IsAny<T> = 0 extends 1 & T ? true : false

type NotNull<T> = Exclude<T, null | undefined>

/** The two key unions are equal. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/**
 * The same field names at every level of two JSON-like types. Assignability alone lets a field that is optional
 * on one side and absent on the other through (in either direction); this does not. Types with an index
 * signature (`Record<string, never>`) are left to assignability.
 */
type SameFields<A, B> = [NotNull<A>] extends [readonly (infer EA)[]]
  ? [NotNull<B>] extends [readonly (infer EB)[]]
    ? SameFields<EA, EB>
    : false
  : [NotNull<A>] extends [object]
    ? [NotNull<B>] extends [object]
      ? string extends keyof NotNull<A>
        ? true
        : string extends keyof NotNull<B>
          ? true
          : SameKeys<keyof NotNull<A>, keyof NotNull<B>> extends true
            ? false extends {
                [K in keyof NotNull<A>]-?: K extends keyof NotNull<B> ? SameFields<NotNull<A>[K], NotNull<B>[K]> : false
              }[keyof NotNull<A>]
              ? false
              : true
            : false
      : true
    : true

/**
 * The same type, as far as a contract can tell: mutually assignable (a different type, or optional on one side
 * and required on the other, fails) and the same field names at every level (a field only one side has fails,
 * optional or not). `any` on either side fails too, so the check cannot pass by erasure.
 */
export type SameType<A, B> =
  IsAny<A> extends true
    ? false
    : IsAny<B> extends true
      ? false
      : [A] extends [B]
        ? [B] extends [A]
          ? SameFields<A, B>
          : false
        : false

/** Output only needs to be assignable to the contract's (a handler may return a narrower type), but not `any`. */
export type Assignable<A, B> = IsAny<A> extends true ? false : [A] extends [B] ? true : false

/**
 * What entry `K` of function `F`'s action table must be: the entry itself when it matches the contract, else a
 * message naming the drift (the compiler shows it as the type the entry is not assignable to).
 */
export type ContractEntry<F extends FunctionName, K, D> =
  K extends ActionName<F>
    ? D extends ActionDef<infer I, infer O>
      ? SameType<I, ActionInput<F, K>> extends false
        ? `${F}.${K}: the zod schema's output differs from the input in typings/api`
        : Assignable<O, ActionOutput<F, K>> extends false
          ? `${F}.${K}: the handler's result is not the output in typings/api`
          : D
      : `${F}.${K}: not an action definition`
    : `${F}.${K & string}: no such action in typings/api`

/** Each entry of a (partial) action table is an action of `F` and matches its contract. */
export type ContractActions<F extends FunctionName, T> = { [K in keyof T]: ContractEntry<F, K, T[K]> }

/** As ContractActions, and no action of the contract is missing. */
export type CompleteContractActions<F extends FunctionName, T> = ContractActions<F, T> & {
  [K in Exclude<ActionName<F>, keyof T>]: `${F}.${K}: missing from the action table`
}

/** A slice of function `fn`'s action table (one feature file), checked entry by entry against typings/api. */
export function defineActions<F extends FunctionName, T extends object>(_fn: F, actions: T & ContractActions<F, T>): T {
  return actions
}

/** Function `fn`'s whole action table: exactly the contract's action names, each matching its contract. */
export function contractActions<F extends FunctionName, T extends object>(
  _fn: F,
  actions: T & CompleteContractActions<F, T>,
): T {
  return actions
}
