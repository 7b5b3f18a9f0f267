/**
 * The API the preload exposes to the renderer as `window.ledgerdrop`: one function per operation,
 * an event subscription that returns its own unsubscribe, and the drag-and-drop path helper.
 */
import type { EventName, EventPayload, OperationInput, OperationName, OperationOutput } from './contract.ts';

/** `engine.status` → `engineStatus`, `secrets.set` → `secretsSet`. */
export type MethodName<N extends string> = N extends `${infer A}.${infer B}` ? `${A}${Capitalize<MethodName<B>>}` : N;

export function methodName(operation: string): string {
  return operation.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
}

export type OperationMethods = {
  [N in OperationName as MethodName<N>]: (input: OperationInput<N>) => Promise<OperationOutput<N>>;
};

export interface LedgerdropApi extends OperationMethods {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The absolute path of a dropped file (Electron's webUtils.getPathForFile), or '' when it has none. */
  pathForFile(file: unknown): string;
}
