// Until the full window (ui/) is built: shows the state the engine reports.
const invoke = (cmd, args) => window.__TAURI_INTERNALS__.invoke(cmd, args);
const labels = { healthy: "Verbunden", degraded: "Eingeschränkt", auth_lost: "Verbindung verloren", not_connected: "Nicht verbunden" };

function render(s) {
  const el = document.getElementById("state");
  el.textContent = labels[s.state] ?? s.state;
  el.className = "state " + s.state;
  document.getElementById("message").textContent = s.message;
}

async function refresh() {
  try { render(await invoke("get_status")); }
  catch (e) { document.getElementById("message").textContent = e.message ?? String(e); }
}

document.getElementById("check").addEventListener("click", () => invoke("tick_now"));
window.__TAURI_INTERNALS__.invoke("plugin:event|listen", {
  event: "lexguard://status", target: { kind: "Any" },
  handler: window.__TAURI_INTERNALS__.transformCallback((e) => render(e.payload)),
});
refresh();
