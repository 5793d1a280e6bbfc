/// <reference types="miniprogram-api-typings" />

/** Global app instance shape, as in the official TypeScript template. */
interface IAppOption {
  globalData: {
    /** Cached result of community.whoami for this launch. */
    // A global declaration file cannot have top-level imports.
    // eslint-disable-next-line @typescript-eslint/consistent-type-imports
    me?: import('./api').WhoAmI
    /** The privacy authorisation flow's calls waiting for an answer and the popups on screen (services/privacy.ts). */
    privacy?: {
      waiting: ((result: { event: 'agree' | 'disagree'; buttonId?: string }) => void)[]
      popups: ((shown: boolean) => void)[]
    }
  }
}
