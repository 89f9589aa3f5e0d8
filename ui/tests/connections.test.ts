/**
 * The connections list (views/connections.ts) against a scripted backend: one line per
 * connection with the selected one marked, choosing another or adding one loads the window
 * afresh, a refused name is said next to the field and nothing reloads.
 */
import { describe, expect, it } from "vitest";
import type { ConnectionLine } from "../src/bindings/ConnectionLine";
import { FakeBackend, ipcError } from "./fake";

async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

const line = (name: string, over: Partial<ConnectionLine> = {}): ConnectionLine => ({
  name,
  label: name,
  company: null,
  state: "healthy",
  headline: "Verbunden",
  selected: false,
  ...over,
});

async function mountBar(backend: FakeBackend) {
  document.body.innerHTML = "";
  const ipc = await import("../src/ipc");
  ipc.useBackend(backend);
  const { connectionsBar } = await import("../src/views/connections");
  let reloads = 0;
  const bar = connectionsBar(() => {
    reloads += 1;
  });
  document.body.appendChild(bar.element);
  await bar.load();
  await flush();
  return { bar, reloads: () => reloads };
}

const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

describe("connections", () => {
  it("lists every connection, marks the selected one and switches by loading afresh", async () => {
    const backend = new FakeBackend();
    let lines = [line("default", { label: "Muster GmbH", company: "Muster GmbH", selected: true }), line("zweite", { state: "auth_lost" })];
    backend.handlers.list_connections = () => lines;
    backend.handlers.select_connection = (a) => {
      lines = lines.map((l) => ({ ...l, selected: l.name === a.name }));
      return lines;
    };
    const { reloads } = await mountBar(backend);
    expect($("connection-default")?.textContent).toContain("Muster GmbH");
    expect($("connection-default")?.getAttribute("aria-current")).toBe("true");
    expect($("connection-zweite")?.textContent).toContain("Verbindung verloren");
    // A change of state alone reloads nothing; the tray choosing another connection does.
    backend.emit("lexguard://connections", lines.map((l) => ({ ...l, state: "healthy" })));
    expect(reloads()).toBe(0);
    backend.emit("lexguard://connections", lines.map((l) => ({ ...l, selected: l.name === "zweite" })));
    expect(reloads()).toBe(1);
    $("connection-zweite")?.click();
    await flush();
    expect(backend.calledWith("select_connection")).toEqual([{ name: "zweite" }]);
    expect(reloads()).toBe(2);
  });

  it("adds a connection by name and shows a refused name next to the field", async () => {
    const backend = new FakeBackend();
    backend.handlers.list_connections = () => [line("default", { selected: true })];
    backend.handlers.add_connection = (a) => {
      if (a.name === "Muster") throw ipcError("„Muster“ ist kein gültiger Verbindungsname.", "name", "invalid_input");
      return [line("default"), line(String(a.name), { selected: true })];
    };
    const { reloads } = await mountBar(backend);
    $("connection-add")?.click();
    const input = $("connection-name") as HTMLInputElement;
    input.value = "Muster";
    ($("connection-add-form") as HTMLFormElement).requestSubmit();
    await flush();
    expect($("connection-name-error")?.textContent).toContain("kein gültiger Verbindungsname");
    expect(reloads()).toBe(0);
    input.value = "muster-gmbh";
    ($("connection-add-form") as HTMLFormElement).requestSubmit();
    await flush();
    expect(backend.calledWith("add_connection")).toEqual([{ name: "Muster" }, { name: "muster-gmbh" }]);
    expect(reloads()).toBe(1);
  });

  it("removes the selected connection after asking, and offers to remove anyway when Lexware cannot be reached", async () => {
    const backend = new FakeBackend();
    let lines = [line("default"), line("zweite", { label: "Beispiel AG", company: "Beispiel AG", selected: true })];
    backend.handlers.list_connections = () => lines;
    let unreachable = true;
    backend.handlers.remove_connection = (a) => {
      if (!a.force && unreachable) throw ipcError("Lexware ist gerade nicht erreichbar.", null, "network");
      lines = [line("default", { selected: true })];
      return lines;
    };
    const { reloads } = await mountBar(backend);
    $("connection-remove")?.click();
    expect($("connection-remove-question")?.textContent).toContain("„Beispiel AG“ entfernen?");
    expect(backend.calledWith("remove_connection")).toEqual([]);
    // Cancel: nothing removed, the offer is back.
    $("connection-remove-cancel")?.click();
    expect($("connection-remove-question")).toBeNull();
    $("connection-remove")?.click();
    $("connection-remove-confirm")?.click();
    await flush();
    expect($("connection-remove-error")?.textContent).toContain("nicht erreichbar");
    expect($("connection-remove-confirm")?.textContent).toBe("Trotzdem entfernen");
    expect($("connection-remove-force-hint")?.hidden).toBe(false);
    expect(reloads()).toBe(0);
    unreachable = false;
    $("connection-remove-confirm")?.click();
    await flush();
    expect(backend.calledWith("remove_connection")).toEqual([
      { name: "zweite", force: false },
      { name: "zweite", force: true },
    ]);
    expect(reloads()).toBe(1);
  });

  it("offers no removal for the default connection", async () => {
    const backend = new FakeBackend();
    backend.handlers.list_connections = () => [line("default", { selected: true }), line("zweite")];
    await mountBar(backend);
    expect($("connection-default")).not.toBeNull();
    expect($("connection-remove")).toBeNull();
  });
});
