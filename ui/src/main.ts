/**
 * Entry point of the window (`index.html` loads it). Everything else is in `app.ts`, which
 * tests mount with a fake backend.
 */

import "./style.css";
import { mount } from "./app";
import * as ipc from "./ipc";

async function start(): Promise<void> {
  if (import.meta.env.DEV && new URLSearchParams(location.search).has("mock")) {
    // Dev only: a fake backend for looking at the window in a plain browser (`vite`, then
    // `/?mock`, `/?mock=lost`, ...). This branch and the mock module are dropped from
    // production builds, where the window always talks to Tauri.
    const { mockBackend } = await import("./dev/mock");
    ipc.useBackend(mockBackend(new URLSearchParams(location.search).get("mock") ?? ""));
  }
  const root = document.getElementById("app");
  if (root) mount(root);
}

void start();
