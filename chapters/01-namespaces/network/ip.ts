// ip.ts — iproute2's `ip`, run as a child process: every call one netlink request a reader can type.

import { execFile } from 'node:child_process';
import { RuntimeError } from '../errors.js';

// #region ip
/**
 * Runs `ip ARGS…` on the host, or with `pid` inside that process's network
 * namespace (nsenter(1) --net=/proc/PID/ns/net). With `batch`, one `ip`
 * reads several commands from stdin (`ip -batch -`), one process for many
 * netlink requests.
 */
export function ip(args: string[], { pid, batch }: { pid?: number; batch?: string[] } = {}): Promise<string> {
  const ipArgs = batch ? ['-batch', '-', ...args] : args;
  const [cmd, argv] = pid ? ['nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', ...ipArgs]] : ['ip', ipArgs];
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, argv, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const what = batch ? batch.join('; ') : args.join(' ');
      reject(new RuntimeError(`ip ${what}: ${stderr.trim() || err.message}`));
    });
    if (batch) child.stdin!.end(`${batch.join('\n')}\n`);
  });
}

/** `ip link del` of a device that is already gone is not an error: removal is idempotent. */
export async function deleteLink(name: string): Promise<void> {
  await ip(['link', 'del', name]).catch((err: Error) => {
    if (!/Cannot find device|does not exist/.test(err.message)) throw err;
  });
}

/** The host's links by name (`ip -json link show`). */
export async function linkNames(): Promise<string[]> {
  return (JSON.parse(await ip(['-json', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname);
}
// #endregion ip
