/**
 * The names of every operation the UI or the CLI may ask of the engine.
 * Kept free of zod so the sandboxed preload can import it without bundling a schema library;
 * `contract.ts` checks at compile time that this list and the contract agree.
 */
export const OPERATION_NAMES = [
  'engine.status',
  'settings.get',
  'settings.set',
  'secrets.set',
  'secrets.delete',
  'secrets.has',
  'doctor',
  'config.apply',
  'config.export',
  'clients.list',
  'connections.list',
  'connections.test',
  'connections.signIn',
  'documents.import',
  'watch.scan',
  'run.once',
  'outbox.run',
  'outbox.status',
  'sync.now',
  'outbox.pause',
  'outbox.resume',
  'outbox.retry',
  'outbox.cancel',
  'activity.list',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

export const EVENT_NAMES = ['engine.status', 'settings.changed', 'secrets.changed', 'document.added', 'delivery.changed', 'batch.progress', 'delivery.progress', 'connection.status', 'connection.signInUrl'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** The IPC channels between preload and the main process. Anything else is rejected. */
export const IPC_INVOKE_CHANNEL = 'ledgerdrop:invoke';
export const IPC_EVENT_CHANNEL = 'ledgerdrop:event';

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && (OPERATION_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}
