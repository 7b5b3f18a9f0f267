import type { EventName, EventPayload } from '../../shared/contract.ts';

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/** A small typed event bus; a throwing listener never breaks the engine or other listeners. */
export class EngineEvents {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.onListenerError = onListenerError;
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  /** Subscribes to every event, e.g. to relay them to another process. */
  onAny(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void {
    this.anyListeners.add(listener);
    return () => {
      this.anyListeners.delete(listener);
    };
  }

  private readonly anyListeners = new Set<<E extends EventName>(event: E, payload: EventPayload<E>) => void>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as EventListener<E>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    for (const listener of this.anyListeners) {
      try {
        listener(event, payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
