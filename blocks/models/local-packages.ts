// The model packages installed in the local cache (not only the loaded ones), described for pickers: id,
// task, class names, input size and the public aliases that resolve to it. Never a filesystem path.
import fs from 'node:fs';
import path from 'node:path';
import { aliasesOf } from './aliases.ts';
import { readModelPackage, WEIGHTS_FILE } from './package.ts';

export interface InstalledModel {
  model_id: string;
  task_type: string | null;
  classes: string[];
  input_width: number;
  input_height: number;
  aliases: string[];
}

/** Ids of the folders `<project>/<version>` (or a single `<name>`) that hold weights.onnx. */
async function packageIds(cacheDir: string): Promise<string[]> {
  const ids: string[] = [];
  const list = async (dir: string) =>
    (await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => [])).filter(
      (e) => e.isDirectory() && !e.name.startsWith('.'),
    );
  const has = (dir: string) => fs.existsSync(path.join(dir, WEIGHTS_FILE));
  for (const top of await list(cacheDir)) {
    const topDir = path.join(cacheDir, top.name);
    if (has(topDir)) ids.push(top.name);
    for (const sub of await list(topDir)) if (has(path.join(topDir, sub.name))) ids.push(`${top.name}/${sub.name}`);
  }
  return ids.sort();
}

/** Every installed package, described; a package that cannot be read is left out rather than failing the list. */
export async function listInstalledModels(cacheDir: string): Promise<InstalledModel[]> {
  const out: InstalledModel[] = [];
  for (const id of await packageIds(cacheDir)) {
    try {
      const pkg = await readModelPackage(cacheDir, id);
      out.push({
        model_id: id,
        task_type: pkg.task ?? null,
        classes: pkg.classNames,
        input_width: pkg.inputWidth,
        input_height: pkg.inputHeight,
        aliases: aliasesOf(id),
      });
    } catch {
      /* a broken package shows up when it is used, with its own error */
    }
  }
  return out;
}
