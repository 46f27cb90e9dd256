// What /proc says of processes: their memory, their children, the tree a daemon heads.
import { readdirSync, readFileSync } from 'node:fs';

export interface Memory {
  rss: number;
  pss: number;
  /**
   * Pages no other process maps and this one wrote (Private_Dirty): its heap
   * and stacks. Private_Clean is left out, since a program's code counts as
   * private when no other process runs the same program at the moment.
   */
  private: number;
}

/** Rss, Pss and private dirty pages of a process, in KiB (`man 5 proc`, smaps_rollup). */
export function memoryOf(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rss: field('Rss'), pss: field('Pss'), private: field('Private_Dirty') };
}

/**
 * CPU time a process has used so far, user and system, in ms: fields 14 and
 * 15 of /proc/PID/stat (`man 5 proc`), in clock ticks of 10 ms (USER_HZ is
 * 100 on Linux), counted after the command name, which may hold spaces.
 */
export function cpuTimeOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function sumMemory(list: Memory[]): Memory {
  return list.reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss, private: a.private + m.private }), { rss: 0, pss: 0, private: 0 });
}

export function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(' ').map(Number) : [];
}

export function cmdlineOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
}

export function environmentOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/**
 * Every process whose command line names `marker` (a daemon's private
 * directory: the daemon, its helpers, its shims — reparented or not), and
 * every descendant of those (inits, containers).
 */
export function processesOf(marker: string): number[] {
  const found = new Set<number>();
  const visit = (pid: number) => {
    if (found.has(pid)) return;
    found.add(pid);
    try {
      for (const child of childrenOf(pid)) visit(child);
    } catch {
      // it exited meanwhile
    }
  };
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (cmdlineOf(Number(name)).includes(marker)) visit(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return [...found];
}
