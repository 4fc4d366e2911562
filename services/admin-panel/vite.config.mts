import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway's URL is not baked in: the static server answers /config.json (one build, any gateway).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false },
});
