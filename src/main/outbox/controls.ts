/**
 * What the user can do to the outbox: pause (for a while or until resumed; survives restarts),
 * resume, retry one or all, cancel one. Pause state lives in the database's meta table.
 */
import { sql, type Db } from '../store/database.ts';

const PAUSE_KEY = 'outbox_paused_until';
export const INDEFINITELY = 'indefinitely';

/** The pause in force at `now`: an ISO time, 'indefinitely', or null when deliveries run. */
export function pausedUntil(db: Db, now: Date): string | null {
  const value = sql(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(PAUSE_KEY) as string | undefined;
  if (!value) return null;
  if (value === INDEFINITELY) return value;
  return new Date(value).getTime() > now.getTime() ? value : null;
}

export function pause(db: Db, until: Date | null, now: Date): string {
  const value = until ? until.toISOString() : INDEFINITELY;
  db.transaction(() => {
    sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(PAUSE_KEY, value);
    sql(db, "INSERT INTO activity (at, level, event, message) VALUES (?, 'info', 'outbox.paused', ?)").run(now.toISOString(), until ? `Deliveries paused until ${value}.` : 'Deliveries paused until resumed.');
  })();
  return value;
}

export function resume(db: Db, now: Date): boolean {
  const changed = sql(db, 'DELETE FROM meta WHERE key = ?').run(PAUSE_KEY).changes > 0;
  if (changed) sql(db, "INSERT INTO activity (at, level, event, message) VALUES (?, 'info', 'outbox.resumed', 'Deliveries resumed.')").run(now.toISOString());
  return changed;
}

/**
 * Makes waiting and failed deliveries due now (one, or all), and puts connections the user has
 * presumably fixed back in service. Returns how many deliveries were rescheduled.
 */
export function retry(db: Db, deliveryId: number | null, now: Date): number {
  const at = now.toISOString();
  return db.transaction(() => {
    const changes =
      deliveryId === null
        ? sql(db, "UPDATE deliveries SET state = 'waiting', next_attempt_at = ?, updated_at = ? WHERE state IN ('waiting', 'failed')").run(at, at).changes
        : sql(db, "UPDATE deliveries SET state = 'waiting', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state IN ('waiting', 'failed')").run(at, at, deliveryId).changes;
    const connections =
      deliveryId === null
        ? sql(db, "UPDATE connections SET status = 'connected', status_message = NULL, updated_at = ? WHERE status = 'error'").run(at).changes
        : sql(db, "UPDATE connections SET status = 'connected', status_message = NULL, updated_at = ? WHERE status = 'error' AND id = (SELECT connection_id FROM deliveries WHERE id = ?)").run(at, deliveryId).changes;
    sql(db, "INSERT INTO activity (at, level, event, delivery_id, message) VALUES (?, 'info', 'outbox.retry', ?, ?)").run(
      at,
      deliveryId,
      `${deliveryId === null ? 'Retry all' : `Retry delivery ${deliveryId}`}: ${changes} rescheduled${connections ? `, ${connections} connection(s) back in service` : ''}.`,
    );
    return changes;
  })();
}

/** Cancels a delivery that has not been done; returns false when there was nothing to cancel. */
export function cancel(db: Db, deliveryId: number, now: Date): boolean {
  const at = now.toISOString();
  return db.transaction(() => {
    const changed = sql(db, "UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND state IN ('queued', 'waiting', 'failed')").run(at, deliveryId).changes > 0;
    if (changed) sql(db, "INSERT INTO activity (at, level, event, delivery_id, message) VALUES (?, 'info', 'outbox.cancelled', ?, ?)").run(at, deliveryId, `Delivery ${deliveryId} cancelled.`);
    return changed;
  })();
}
