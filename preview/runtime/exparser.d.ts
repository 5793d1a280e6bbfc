// miniprogram-exparser ships no types; the runtime uses a few of its functions (see index.ts).
declare module 'miniprogram-exparser'
