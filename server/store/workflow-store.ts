// Saved workflows on disk: <root>/<workspace>/<workflow_id>/v<N>.json, one immutable file per version.
// Writes to one workflow are serialized in-process; across processes, version files are created with
// no-clobber link semantics, so concurrent writers can never replace each other's versions.
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createFileAtomically, ensureDir, fsyncDir, isTempOrHidden } from './atomic-fs.ts';
import { checkStoreId, isStoreId } from './ids.ts';
import { SavedWorkflowNotFoundError, StorageFullError, WorkflowVersionConflictError } from './errors.ts';

/** `remote`: fetched from the Roboflow API and mirrored here; `local`: saved by a client of this server. */
export type WorkflowSource = 'local' | 'remote';

export interface WorkflowVersionRecord {
  version: number;
  created_at: string;
  author: string | null;
  message: string | null;
  draft: boolean;
  source: WorkflowSource;
  definition: Record<string, unknown>;
  /** Editor node positions, kept beside the definition (never inside it); absent when none was saved. */
  layout?: Record<string, unknown>;
}

export interface SavedWorkflow extends WorkflowVersionRecord {
  workspace: string;
  id: string;
}

export type VersionSummary = Omit<WorkflowVersionRecord, 'definition'>;

export interface WorkflowSummary {
  id: string;
  latest_version: number;
  updated_at: string;
  draft: boolean;
}

export interface SaveRequest {
  definition: Record<string, unknown>;
  /** The version the client edited; a save based on anything but the latest is refused (409). 0 = new. */
  baseVersion?: number | null;
  author?: string | null;
  message?: string | null;
  draft?: boolean;
  source?: WorkflowSource;
  layout?: Record<string, unknown> | null;
}

const VERSION_FILE = /^v([1-9]\d{0,8})\.json$/;

export class WorkflowStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  /** `root` is `<dataDir>/workspaces`. */
  constructor(readonly root: string) {}

  async listWorkspaces(): Promise<Array<{ name: string; workflows: number }>> {
    const names = await listDirs(this.root);
    const result = [];
    for (const name of names.sort()) {
      const workflows = await this.workflowIds(name);
      result.push({ name, workflows: workflows.length });
    }
    return result;
  }

  async workspaceExists(workspace: string): Promise<boolean> {
    checkStoreId(workspace, 'workspace');
    return isDirectory(path.join(this.root, workspace));
  }

  async listWorkflows(workspace: string): Promise<WorkflowSummary[]> {
    checkStoreId(workspace, 'workspace');
    const result: WorkflowSummary[] = [];
    for (const id of (await this.workflowIds(workspace)).sort()) {
      const latest = await this.get(workspace, id);
      if (latest)
        result.push({ id, latest_version: latest.version, updated_at: latest.created_at, draft: latest.draft });
    }
    return result;
  }

  /** The given version (default latest), or null when the workflow or version does not exist. */
  async get(workspace: string, id: string, version?: number): Promise<SavedWorkflow | null> {
    const dir = this.workflowDir(workspace, id);
    const wanted = version ?? (await latestVersion(dir));
    if (!wanted) return null;
    const record = await readVersion(dir, wanted);
    return record ? { workspace, id, ...record } : null;
  }

  /** The definition of a version (default latest), read synchronously: the engine resolves inner workflows while compiling. */
  definitionSync(workspace: string, id: string, version?: number): Record<string, unknown> | undefined {
    const dir = this.workflowDir(workspace, id);
    let wanted = version;
    if (wanted === undefined) {
      let names: string[] = [];
      try {
        names = fsSync.readdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      wanted = Math.max(0, ...names.map((n) => Number(VERSION_FILE.exec(n)?.[1] ?? 0)));
      if (!wanted) return undefined;
    }
    try {
      return (JSON.parse(fsSync.readFileSync(path.join(dir, `v${wanted}.json`), 'utf8')) as WorkflowVersionRecord)
        .definition;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async listVersions(workspace: string, id: string): Promise<VersionSummary[]> {
    const dir = this.workflowDir(workspace, id);
    const versions = (await versionNumbers(dir)).sort((a, b) => a - b);
    const result: VersionSummary[] = [];
    for (const version of versions) {
      const record = await readVersion(dir, version);
      if (!record) continue;
      const { definition: _definition, ...summary } = record;
      result.push(summary);
    }
    return result;
  }

  /** Append a new version. `created` is true when this made the workflow exist. */
  async save(
    workspace: string,
    id: string,
    request: SaveRequest,
  ): Promise<{ record: SavedWorkflow; created: boolean }> {
    const dir = this.workflowDir(workspace, id);
    return this.withLock(dir, () => this.#save(dir, workspace, id, request)).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException)?.code;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new StorageFullError(
          `Could not save workflow '${id}': the disk holding the workflow store is full (${code}). Nothing was saved; free some space and retry.`,
        );
      throw error;
    });
  }

  async #save(
    dir: string,
    workspace: string,
    id: string,
    request: SaveRequest,
  ): Promise<{ record: SavedWorkflow; created: boolean }> {
    await ensureDir(dir);
    let latest = await latestVersion(dir);
    const base = request.baseVersion;
    const checkBase = (current: number) => {
      if (base === undefined || base === null || base === current) return;
      throw new WorkflowVersionConflictError(
        `Workflow '${id}' in workspace '${workspace}' was saved as version ${current} since version ${base} ` +
          `that this change is based on; reload it and apply the change again.`,
        current || null,
      );
    };
    checkBase(latest);
    for (;;) {
      const record: WorkflowVersionRecord = {
        version: latest + 1,
        created_at: new Date().toISOString(),
        author: request.author ?? null,
        message: request.message ?? null,
        draft: request.draft ?? false,
        source: request.source ?? 'local',
        definition: request.definition,
        ...(request.layout ? { layout: request.layout } : {}),
      };
      if (await createFileAtomically(dir, `v${record.version}.json`, JSON.stringify(record, null, 2))) {
        return { record: { workspace, id, ...record }, created: latest === 0 };
      }
      // Another process created this version first.
      latest = await latestVersion(dir);
      checkBase(latest);
    }
  }

  /** Remove a workflow and all its versions; false when it did not exist. */
  async delete(workspace: string, id: string): Promise<boolean> {
    const dir = this.workflowDir(workspace, id);
    return this.withLock(dir, async () => {
      if (!(await isDirectory(dir))) return false;
      // Rename first so a crash mid-delete leaves a hidden directory, never a half-deleted workflow.
      const graveyard = path.join(path.dirname(dir), `.deleted-${id}-${randomBytes(6).toString('hex')}`);
      await fs.rename(dir, graveyard);
      await fsyncDir(path.dirname(dir));
      await fs.rm(graveyard, { recursive: true, force: true });
      return true;
    });
  }

  /** Save a copy of an older version as the new latest. */
  async restore(
    workspace: string,
    id: string,
    version: number,
    options: { author?: string | null; message?: string | null; baseVersion?: number | null } = {},
  ): Promise<SavedWorkflow> {
    const old = await this.get(workspace, id, version);
    if (!old)
      throw new SavedWorkflowNotFoundError(`Workflow '${id}' in workspace '${workspace}' has no version ${version}.`);
    const { record } = await this.save(workspace, id, {
      definition: old.definition,
      layout: old.layout,
      draft: old.draft,
      author: options.author ?? null,
      message: options.message ?? `Restored from version ${version}`,
      baseVersion: options.baseVersion,
    });
    return record;
  }

  private workflowDir(workspace: string, id: string): string {
    return path.join(this.root, checkStoreId(workspace, 'workspace'), checkStoreId(id, 'workflow_id'));
  }

  private async workflowIds(workspace: string): Promise<string[]> {
    const ids = await listDirs(path.join(this.root, workspace));
    const withVersions = [];
    for (const id of ids) if ((await latestVersion(path.join(this.root, workspace, id))) > 0) withVersions.push(id);
    return withVersions;
  }

  private async withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((e) => e.isDirectory() && !isTempOrHidden(e.name) && isStoreId(e.name)).map((e) => e.name);
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function versionNumbers(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const versions: number[] = [];
  for (const name of names) {
    const match = VERSION_FILE.exec(name);
    if (match) versions.push(Number(match[1]));
  }
  return versions;
}

async function latestVersion(dir: string): Promise<number> {
  return Math.max(0, ...(await versionNumbers(dir)));
}

async function readVersion(dir: string, version: number): Promise<WorkflowVersionRecord | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, `v${version}.json`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as WorkflowVersionRecord;
  return { ...parsed, source: parsed.source ?? 'local' };
}
