import { defineConfig } from 'tsup';

// ESM (.mjs) and CommonJS (.js) builds with their declarations, one per entry. Internal
// @sentinel/* packages are bundled in, so the tarball depends only on public npm packages.
export default defineConfig({
  entry: { index: 'src/index.ts', browser: 'src/browser/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  noExternal: [/^@sentinel\//],
});
