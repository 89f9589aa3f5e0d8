/**
 * The one module that talks to the Rust side (Tauri `invoke` / `listen`). Every command is a
 * typed function here, with the payload types generated from Rust (`bindings/`), so a change
 * on either side shows up as a type error in one place.
 *
 * Every failure rejects with an `IpcError` (`{kind, message, field}`): `message` is already in
 * the person's language and says what to do, so views show it as it is.
 *
 * The transport can be swapped (`useBackend`) for unit tests and for the dev-only mock
 * (`?mock` under `vite`), which never talk to Tauri.
 */

import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";
import type { ActionOutcome } from "./bindings/ActionOutcome";
import type { Command } from "./bindings/Command";
import type { ConfigProblem } from "./bindings/ConfigProblem";
import type { ConnectResult } from "./bindings/ConnectResult";
import type { ConnectionLine } from "./bindings/ConnectionLine";
import type { HistoryLine } from "./bindings/HistoryLine";
import type { IpcError } from "./bindings/IpcError";
import type { IpcEvent } from "./bindings/IpcEvent";
import type { LoginStart } from "./bindings/LoginStart";
import type { LoopbackOutcome } from "./bindings/LoopbackOutcome";
import type { Outcome } from "./bindings/Outcome";
import type { Settings } from "./bindings/Settings";
import type { Status } from "./bindings/Status";
import type { WebhookListing } from "./bindings/WebhookListing";
import type { WebhookSpec } from "./bindings/WebhookSpec";

/** Emitted after every engine operation (tick, refresh, connect...), payload `Status`. */
export const STATUS_EVENT: IpcEvent = "lexguard://status";
/** Emitted when the loopback redirect completed (or failed) a login, payload `LoopbackOutcome`. */
export const CONNECT_EVENT: IpcEvent = "lexguard://connect-result";
/** Emitted when start at login changed (tray or window), payload `boolean`. */
export const AUTOSTART_EVENT: IpcEvent = "lexguard://autostart";

/** Emitted when a connection is added, removed, selected or changes; payload `ConnectionLine[]`. */
export const CONNECTIONS_EVENT: IpcEvent = "lexguard://connections";

export type Unlisten = () => void;

/** How commands and events travel: Tauri in the app; a fake in tests and the dev mock. */
export interface Backend {
  invoke<T>(cmd: Command, args?: Record<string, unknown>): Promise<T>;
  listen<T>(event: IpcEvent, handler: (payload: T) => void): Promise<Unlisten>;
}

const tauri: Backend = {
  invoke: (cmd, args) => tauriInvoke(cmd, args),
  listen: (event, handler) => tauriListen(event, (e) => handler(e.payload as never)),
};

let backend: Backend = tauri;

/** Replaces the transport (tests, dev mock). */
export function useBackend(b: Backend): void {
  backend = b;
}

function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && typeof (e as IpcError).message === "string" && "kind" in e;
}

/**
 * Whatever a failed call threw, as an IpcError. Tauri itself rejects with plain strings
 * (unknown command, missing permission), and outside the app `invoke` throws a TypeError.
 */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { kind: e.kind, message: e.message, field: e.field ?? null };
  if (e instanceof Error) return { kind: "ipc", message: e.message, field: null };
  return { kind: "ipc", message: String(e), field: null };
}

async function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await backend.invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const getStatus = () => call<Status>("get_status");
export const getHistory = (limit: number) => call<HistoryLine[]>("get_history", { limit });
export const startLogin = () => call<LoginStart>("start_login");
export const connect = (pasted: string) => call<ConnectResult>("connect", { pasted });
/** `expires`: the end date Lexware shows for the key (YYYY-MM-DD); `null`: 24 months assumed. */
export const connectApiKey = (key: string, expires: string | null = null) =>
  call<ConnectResult>("connect_api_key", { key, expires });
export const listWebhooks = () => call<WebhookListing>("list_webhooks");
export const syncWebhooks = () => call<Outcome[]>("sync_webhooks");
export const saveWebhooks = (webhooks: WebhookSpec[]) => call<WebhookSpec[]>("save_webhooks", { webhooks });
/** The official event types; the window itself uses the generated `LIMITS.event_types`. */
export const eventTypes = () => call<string[]>("event_types");
export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<Settings>("save_settings", { settings });
/** "Beim Anmelden starten": switches at once (never with "Speichern"); resolves with the system's answer. */
export const setStartAtLogin = (on: boolean) => call<boolean>("set_start_at_login", { on });
export const setClientSecret = (secret: string) => call<null>("set_client_secret", { secret });
export const openDataFolder = () => call<null>("open_data_folder");
/** A broken config.toml at start: what is wrong (file, line, key, fix), or `null`. */
export const getConfigProblem = () => call<ConfigProblem | null>("get_config_problem");
/** Reads config.toml again; `null` when it is fine now (the app then runs normally). */
export const reloadConfig = () => call<ConfigProblem | null>("reload_config");
export const openConfigFolder = () => call<null>("open_config_folder");
/** Opens one of the few pages lexguard points to (the API-key page, the developer portal). */
export const openLink = (url: string) => call<null>("open_link", { url });
/** "Jetzt prüfen" / "Jetzt erneuern": resolve with how it ended (`ok` only when healthy after). */
export const tickNow = () => call<ActionOutcome>("tick_now");
export const refreshNow = () => call<ActionOutcome>("refresh_now");
export const disconnect = () => call<Status>("disconnect");

export const onStatus = (fn: (s: Status) => void) => backend.listen<Status>(STATUS_EVENT, fn);
export const onConnectResult = (fn: (o: LoopbackOutcome) => void) =>
  backend.listen<LoopbackOutcome>(CONNECT_EVENT, fn);
export const onAutostart = (fn: (on: boolean) => void) => backend.listen<boolean>(AUTOSTART_EVENT, fn);

/** Every connection the app keeps; the selected one is the one every other command acts on. */
export const listConnections = () => call<ConnectionLine[]>("list_connections");
export const selectConnection = (name: string) => call<ConnectionLine[]>("select_connection", { name });
/** Makes connection `name` (the core's naming rule), keeps it alive and selects it. */
export const addConnection = (name: string) => call<ConnectionLine[]>("add_connection", { name });
/** Revokes connection `name` at Lexware and deletes it (`force`: also when Lexware cannot be reached). */
export const removeConnection = (name: string, force: boolean) =>
  call<ConnectionLine[]>("remove_connection", { name, force });
export const onConnections = (fn: (lines: ConnectionLine[]) => void) =>
  backend.listen<ConnectionLine[]>(CONNECTIONS_EVENT, fn);
