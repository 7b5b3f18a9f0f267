import type { LedgerdropApi } from '../../shared/api.ts';

declare global {
  interface Window {
    /** Exposed by the preload (src/preload/index.ts); the renderer's only way to the engine. */
    readonly ledgerdrop: LedgerdropApi;
  }
}
