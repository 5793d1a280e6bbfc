// The action tables are checked against typings/api at compile time (server/kernel/contract.ts). Each
// `@ts-expect-error` below is a drift the check must refuse: `npm run build` typechecks this file, so if the check
// stopped refusing it (became `any`, or one-directional), the unused directive would fail the build.
import type { SameType } from '../../server/kernel'
import { action, contractActions, defineActions, z } from '../../server/kernel'
import type { RoundView } from '../../typings/api'

const signedIn = { signedIn: true } as const
const round = (): Promise<RoundView> => Promise.reject(new Error('not run'))
const roundId = z.string().min(1)

/** Compile-time boolean assertion. */
const is = <T extends boolean>(_value: T) => _value

describe('action tables against the contract', () => {
  it('accepts a table that matches typings/api and returns it unchanged', () => {
    const table = {
      closeRound: action({ input: z.object({ roundId }).strict(), access: signedIn, handler: round }),
      listRounds: action({
        input: z.object({ communityId: z.string(), limit: z.number().int().optional() }).strict(),
        access: signedIn,
        handler: async (): Promise<RoundView[]> => [],
      }),
    }
    expect(defineActions('antigen', table)).toBe(table)
  })

  it('refuses schemas that disagree with the contract input', () => {
    const drifts = defineActions('antigen', {
      // A required field missing from the schema.
      // @ts-expect-error -- antigen.closeRound: the zod schema's output differs from the input in typings/api
      closeRound: action({ input: z.object({}).strict(), access: signedIn, handler: round }),
      // Optional in the schema, required in the contract.
      // @ts-expect-error -- antigen.chain: optional vs required
      chain: action({
        input: z.object({ roundId, buildingId: z.string().optional() }).strict(),
        access: signedIn,
        handler: () => Promise.reject(new Error('not run')),
      }),
      // Required in the schema, optional in the contract.
      // @ts-expect-error -- antigen.listRounds: required vs optional
      listRounds: action({
        input: z.object({ communityId: z.string(), limit: z.number() }).strict(),
        access: signedIn,
        handler: async (): Promise<RoundView[]> => [],
      }),
      // An optional field the contract does not have (assignable both ways, still a drift).
      // @ts-expect-error -- antigen.table: extra field
      table: action({
        input: z.object({ roundId, scope: z.string().optional() }).strict(),
        access: signedIn,
        handler: () => Promise.reject(new Error('not run')),
      }),
      // A nested field of another type.
      // @ts-expect-error -- antigen.submit: members[].result is not an AntigenResult
      submit: action({
        input: z
          .object({
            roundId,
            householdId: z.string(),
            members: z.array(z.object({ memberId: z.string(), result: z.string() })),
          })
          .strict(),
        access: signedIn,
        handler: () => Promise.reject(new Error('not run')),
      }),
      // A schema that erases its type.
      // @ts-expect-error -- antigen.remind: any is not the contract
      remind: action({ input: z.any(), access: signedIn, handler: () => Promise.reject(new Error('not run')) }),
    })
    expect(Object.keys(drifts)).toHaveLength(6)
  })

  it('refuses a handler whose result is not the contract output', () => {
    const drifts = defineActions('antigen', {
      // @ts-expect-error -- antigen.closeRound: the handler's result is not the output in typings/api
      closeRound: action({
        input: z.object({ roundId }).strict(),
        access: signedIn,
        handler: async (i) => ({ id: i.roundId }),
      }),
    })
    expect(Object.keys(drifts)).toEqual(['closeRound'])
  })

  it('refuses actions the contract does not have, and a whole table missing some', () => {
    const extra = defineActions('antigen', {
      // @ts-expect-error -- antigen.closeRounds: no such action in typings/api
      closeRounds: action({ input: z.object({ roundId }).strict(), access: signedIn, handler: round }),
    })
    expect(Object.keys(extra)).toEqual(['closeRounds'])
    const closeRound = action({ input: z.object({ roundId }).strict(), access: signedIn, handler: round })
    // @ts-expect-error -- every antigen action but closeRound is missing
    expect(Object.keys(contractActions('antigen', { closeRound }))).toEqual(['closeRound'])
  })

  it('compares types exactly', () => {
    expect(is<SameType<{ a: string; b?: number }, { a: string; b?: number | undefined }>>(true)).toBe(true)
    expect(is<SameType<{ a: { b: string }[] }, { a: { b: string }[] }>>(true)).toBe(true)
    expect(is<SameType<{ a?: string }, { a: string }>>(false)).toBe(false)
    expect(is<SameType<{ a: string; b?: number }, { a: string }>>(false)).toBe(false)
    expect(is<SameType<{ a: { b?: number }[] }, { a: object[] }>>(false)).toBe(false)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the check must refuse `any`
    expect(is<SameType<any, { a: string }>>(false)).toBe(false)
    expect(is<SameType<object, Record<string, never>>>(false)).toBe(false)
  })
})
