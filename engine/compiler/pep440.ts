// A small PEP 440 subset: release versions (1, 1.0, 1.15.0) and comma-joined specifiers (>=, <=, >, <, ==, !=, ~=).
export type Version = number[];

export function parseVersion(text: string): Version | null {
  const match = /^\s*v?(\d+(?:\.\d+)*)\s*$/.exec(text);
  if (!match) return null;
  return match[1]!.split('.').map(Number);
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** True when `version` satisfies every clause of `specifier`; throws on an unparseable clause. */
export function satisfies(version: Version, specifier: string): boolean {
  for (const raw of specifier.split(',')) {
    const clause = raw.trim();
    if (!clause) continue;
    const match = /^(~=|==|!=|>=|<=|>|<)\s*(.+)$/.exec(clause);
    const target = match ? parseVersion(match[2]!.replace(/\.\*$/, '')) : null;
    if (!match || !target) throw new Error(`invalid version specifier clause '${clause}'`);
    const cmp = compareVersions(version, target);
    const op = match[1];
    const ok =
      op === '>='
        ? cmp >= 0
        : op === '<='
          ? cmp <= 0
          : op === '>'
            ? cmp > 0
            : op === '<'
              ? cmp < 0
              : op === '=='
                ? match[2]!.endsWith('.*')
                  ? version.slice(0, target.length).every((v, i) => v === target[i])
                  : cmp === 0
                : op === '!='
                  ? cmp !== 0
                  : cmp >= 0 && version.slice(0, Math.max(1, target.length - 1)).every((v, i) => v === target[i]);
    if (!ok) return false;
  }
  return true;
}
