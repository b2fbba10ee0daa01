/// <reference types="vitest/config" />
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig } from 'vite'

// Element Plus components (and their styles) are imported per component where a template uses them.
export default defineConfig({
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver()], dts: 'src/components.d.ts' })],
  build: { manifest: true, assetsDir: 'web-assets', chunkSizeWarningLimit: 700 },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/.well-known': 'http://127.0.0.1:8000',
    },
  },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
})
