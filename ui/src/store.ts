/**
 * What all views share: the latest `Status` (kept live by the `lexguard://status` event and
 * by command results) and the saved `Settings`. Views subscribe instead of polling.
 */

import type { Settings } from "./bindings/Settings";
import type { Status } from "./bindings/Status";

type Listener<T> = (value: T) => void;

class Cell<T> {
  private value: T | null = null;
  private listeners = new Set<Listener<T>>();

  get(): T | null {
    return this.value;
  }

  set(value: T): void {
    this.value = value;
    for (const fn of this.listeners) fn(value);
  }

  subscribe(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const status = new Cell<Status>();
export const settings = new Cell<Settings>();

/** Whether this is the demo (relaxes the callback URL check to loopback http). */
export function isDemo(): boolean {
  return settings.get()?.demo ?? false;
}
