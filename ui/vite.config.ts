/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Tauri embeds ui/dist (index.html + hashed assets) and serves it under a strict CSP:
// no inline scripts or styles, so nothing here may inline them.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep every file a real one.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
  },
});
