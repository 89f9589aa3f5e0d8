/**
 * A scripted backend for mounting the whole window in jsdom: records every command, answers
 * from per-test handlers, and lets a test emit backend events.
 */
import type { Settings } from "../src/bindings/Settings";
import type { Status } from "../src/bindings/Status";
import { HISTORY, SETTINGS, status } from "../src/dev/fixtures";
import type { Backend } from "../src/ipc";

export { HISTORY, ipcError, SETTINGS, status, times, words } from "../src/dev/fixtures";

export type Handler = (args: Record<string, unknown>) => unknown;

export class FakeBackend implements Backend {
  calls: [string, Record<string, unknown> | undefined][] = [];
  handlers: Record<string, Handler> = {};
  private listeners = new Map<string, Set<(p: unknown) => void>>();

  constructor(st: Status = status(), settings: Settings = SETTINGS) {
    this.handlers = {
      get_status: () => st,
      get_settings: () => settings,
      get_history: () => HISTORY,
      event_types: () => ["contact.changed", "invoice.created", "invoice.changed", "token.revoked"],
      list_webhooks: () => ({
        existing: [
          { subscriptionId: "s1", eventType: "invoice.created", callbackUrl: "http://127.0.0.1:41234/hooks/invoice-created" },
          { subscriptionId: "s9", eventType: "contact.changed", callbackUrl: "https://crm.example.de/hook" },
        ],
        desired: st.webhooks,
      }),
      save_settings: (a) => a.settings,
      save_webhooks: (a) => a.webhooks,
    };
  }

  calledWith(cmd: string): (Record<string, unknown> | undefined)[] {
    return this.calls.filter(([c]) => c === cmd).map(([, a]) => a);
  }

  async invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push([cmd, args]);
    const h = this.handlers[cmd];
    if (!h) throw `command ${cmd} not found`;
    return (await h(args ?? {})) as T;
  }

  async listen<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
    const set = this.listeners.get(event) ?? new Set();
    set.add(handler as (p: unknown) => void);
    this.listeners.set(event, set);
    return () => set.delete(handler as (p: unknown) => void);
  }

  emit(event: string, payload: unknown): void {
    this.listeners.get(event)?.forEach((fn) => fn(payload));
  }
}
