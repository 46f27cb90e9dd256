// top.ts — `docker top`: the host's ps, narrowed to the container's processes.
//
// moby does not look inside the container: it runs `ps` on the host with
// the user's ps arguments (`-ef` by default), finds the PID column, and
// keeps the rows whose pid is in the container's cgroup. The pids are the
// host's, not the container's own (its PID 1 shows as, say, 4242).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConflictError, InvalidArgumentError } from '../../01-namespaces/index.js';
import { cgroupPids, cgroupsPathOf, containerCgroup } from './cgroup-files.js';
import type { Container } from './container.js';
import type { DaemonContext } from './context.js';
import { pathsOf } from './paths.js';

// #region top
export async function containerTop(ctx: DaemonContext, c: Container, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  if (!c.state.Running) throw new ConflictError(`Container ${c.id} is not running`);
  if (c.state.Restarting) throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
  const pids = new Set(cgroupPids(containerCgroup(cgroupsPathOf(pathsOf(ctx, c).bundle, c.id))));
  let output: string;
  try {
    ({ stdout: output } = await promisify(execFile)('ps', psArgs.split(/\s+/).filter(Boolean), { maxBuffer: 64 << 20 }));
  } catch (err) {
    throw new InvalidArgumentError(`Error running ps: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
  return parsePs(output, pids);
}

/** moby's parsePSOutput: the titles, then each row cut into as many fields, the last taking the rest (CMD). */
export function parsePs(output: string, pids: Set<number>): { Titles: string[]; Processes: string[][] } {
  const [header = '', ...lines] = output.split('\n');
  const titles = header.trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new InvalidArgumentError("Couldn't find PID field in ps output");
  const processes = lines.filter((l) => l.trim()).map((l) => l.trim().split(/\s+/))
    .filter((fields) => pids.has(Number(fields[pidIndex])))
    .map((fields) => [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  return { Titles: titles, Processes: processes };
}
// #endregion top
