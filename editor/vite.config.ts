// Vite config for the editor SPA (root: editor/, output: editor/dist/). The server builds it on demand
// (server/routes/editor.ts); `npm run build:editor` builds it by hand.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
