import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w apps/web` serves the console with hot reload and sends /api and /health to a
// running api (npm start, or API_PORT when it listens elsewhere).
const api = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  server: { port: Number(process.env.WEB_PORT ?? 5173), proxy: { '/api': api, '/health': api } },
  build: { outDir: 'dist', chunkSizeWarningLimit: 2500 },
});
