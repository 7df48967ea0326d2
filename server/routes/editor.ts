// Serves the editor at `/` from editor/dist, building it first with vite when the build is missing or older
// than its sources (so `npm start` just works). Skipped entirely when config.serveEditor is false.
import express, { Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from '../app.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EDITOR_DIR = path.join(REPO_ROOT, 'editor');
export const EDITOR_DIST = path.join(EDITOR_DIR, 'dist');
const SOURCES = ['src', 'model', 'index.html', 'vite.config.ts'].map((p) => path.join(EDITOR_DIR, p));

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function editorBuildIsStale(): boolean {
  const index = path.join(EDITOR_DIST, 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built);
}

let building: Promise<void> | null = null;

/** Build into a scratch folder, then swap it in, so a half-written dist is never served. */
export function buildEditor(): Promise<void> {
  building ??= (async () => {
    const { build } = await import('vite');
    const scratch = path.join(REPO_ROOT, '.tmp', `editor-build-${process.pid}-${Date.now()}`);
    await build({
      configFile: path.join(EDITOR_DIR, 'vite.config.ts'),
      root: EDITOR_DIR,
      logLevel: 'warn',
      build: { outDir: scratch, emptyOutDir: true },
    });
    // Another process (parallel test files) may have swapped in a fresh build meanwhile: keep the one in use.
    if (!editorBuildIsStale()) {
      fs.rmSync(scratch, { recursive: true, force: true });
      return;
    }
    const old = `${scratch}-old`;
    if (fs.existsSync(EDITOR_DIST)) fs.renameSync(EDITOR_DIST, old);
    fs.renameSync(scratch, EDITOR_DIST);
    fs.rmSync(old, { recursive: true, force: true });
  })().finally(() => {
    building = null;
  });
  return building;
}

export async function editorRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  if (!deps.config.serveEditor) return router;
  if (editorBuildIsStale()) await buildEditor();
  const index = path.join(EDITOR_DIST, 'index.html');
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  // Hashed file names: safe to cache for long.
  router.use(
    '/assets',
    express.static(path.join(EDITOR_DIST, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  return router;
}
