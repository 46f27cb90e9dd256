// list.ts — `docker ps`: which containers, in which order, filtered how.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { checkFilterKeys, type Filters } from '../api/index.js';
import type { Container } from './container.js';
import type { Status } from './state.js';

// #region list-filter
export const LIST_FILTERS = ['status', 'label', 'name', 'id', 'ancestor', 'exited', 'before', 'since'];
const STATUSES: Status[] = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/**
 * Newest first; without `all` only running ones (moby also shows paused
 * and restarting), then the filters: each key narrows, its values widen.
 */
export function listContainers(all: Container[], options: { all: boolean; limit: number; filters: Filters; imageIdOf: (ref: string) => string | undefined }): Container[] {
  const f = options.filters;
  checkFilterKeys(f, LIST_FILTERS);
  for (const s of f.get('status') ?? []) {
    if (!STATUSES.includes(s as Status)) throw new InvalidArgumentError(`invalid filter 'status=${s}'`);
  }
  for (const e of f.get('exited') ?? []) if (!/^-?\d+$/.test(e)) throw new InvalidArgumentError(`invalid filter 'exited=${e}'`);
  const byCreated = [...all].sort((a, b) => b.record.Created.localeCompare(a.record.Created));
  const created = (ref: string) => byCreated.find((c) => c.id.startsWith(ref) || c.name === ref.replace(/^\//, ''))?.record.Created;
  const matches = (c: Container): boolean => {
    const labels = c.record.Config.Labels ?? {};
    const any = (key: string, test: (v: string) => boolean) => !f.has(key) || f.get(key)!.some(test);
    return (
      any('status', (v) => c.state.Status === v) &&
      any('id', (v) => c.id.startsWith(v)) &&
      any('name', (v) => new RegExp(v.replace(/^\//, '')).test(c.name)) &&
      any('exited', (v) => !c.state.Running && c.record.HasBeenStartedBefore && c.state.ExitCode === Number(v)) &&
      any('ancestor', (v) => c.record.Config.Image === v || c.record.Image === options.imageIdOf(v) || c.record.Image.startsWith(`sha256:${v}`)) &&
      (f.get('label') ?? []).every((v) => (v.includes('=') ? labels[v.slice(0, v.indexOf('='))] === v.slice(v.indexOf('=') + 1) : v in labels)) &&
      (f.get('before') ?? []).every((v) => (created(v) ?? '') > c.record.Created) &&
      (f.get('since') ?? []).every((v) => (created(v) ?? '\uffff') < c.record.Created)
    );
  };
  const shown = byCreated.filter((c) => (options.all || f.has('status') || f.has('exited') || c.state.Running || c.state.Restarting) && matches(c));
  return options.limit > 0 ? shown.slice(0, options.limit) : shown;
}
// #endregion list-filter
