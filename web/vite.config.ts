import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The web app: built into web/dist, which `portello serve` serves at /. In dev, /api goes to a running server. */
const root = fileURLToPath(new URL(".", import.meta.url));
const apiTarget = process.env.PORTELLO_API ?? "http://127.0.0.1:4173";

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
});
