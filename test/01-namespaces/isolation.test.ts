// Isolation, seen from both sides: a probe inside the container prints what
// it can see, and the test compares that with what the host sees of the same
// process at the same moment (its pid chain, its namespaces, the host's mount
// table and hostname).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Lab, probeValues, type Bundle, type ContainerId, type Running } from './helpers.ts';
import { hostMountsUnder, readMountInfo, NAMESPACE_KINDS, namespaceOf, nsPids, parseMountInfo, type MountInfo } from './host.ts';

/** Masked paths of the spec that hold something on this host, so that "empty inside" means "masked". */
function maskedPathsWithContent(paths: string[]): string[] {
  return paths.filter((p) => {
    try {
      if (statSync(p).isDirectory()) return readdirSync(p).length > 0;
      const fd = openSync(p, 'r');
      try {
        return readSync(fd, Buffer.alloc(1), 0, 1, null) === 1;
      } finally {
        closeSync(fd);
      }
    } catch {
      return false; // absent on this kernel (no /proc/kcore without CONFIG_PROC_KCORE)
    }
  });
}

/** The probe: prints what the container sees as key=value lines, then waits to be looked at from outside. */
function probe(masked: string[]): string {
  return [
    // First, while the shell has no child: the whole /proc of its PID namespace.
    'set -- /proc/[0-9]*; echo "procs=$*"',
    'echo "pid=$$"',
    `if [ -e /proc/${process.pid} ]; then echo hostpid=visible; else echo hostpid=absent; fi`,
    'echo "hostname=$(hostname)"',
    'echo "netdevs=$(ls /sys/class/net | tr "\\n" " ")"',
    'echo "iplink=$(ip link | grep "^[0-9]" | tr "\\n" "|")"',
    ...masked.map((p) => `if [ -d ${p} ]; then echo "masked:${p}=$(ls -A ${p} | wc -l)"; else echo "masked:${p}=$(head -c 1 ${p} 2>/dev/null | wc -c)"; fi`),
    'msg=$( { echo skiff > /proc/sys/kernel/domainname; } 2>&1 ); echo "procsys=$? $msg"',
    'msg=$(mount -t tmpfs skiff /tmp 2>&1); echo "mount=$? $msg"',
    'msg=$(hostname skiff-changed 2>&1); echo "sethostname=$? $msg"',
    'echo "hostname_after=$(hostname)"',
    'grep -E "^Cap(Eff|Bnd):" /proc/self/status | tr -d "\\t" | sed "s/:/=/"',
    'sed "s/^/mnt:/" /proc/self/mountinfo',
    'echo ready',
    'exec sleep 1000',
  ].join('\n');
}

describe('a container seen from inside and from outside', () => {
  const lab = new Lab('isolation');
  const containerHostname = `iso-${randomBytes(3).toString('hex')}`;
  const hostnameBefore = hostHostname();
  let bundle: Bundle;
  let id: ContainerId;
  let running: Running;
  let pid: number;
  let inside: Map<string, string>;
  let insideMounts: MountInfo[];
  let masked: string[];

  before(async () => {
    id = lab.newId('iso');
    bundle = lab.bundle([], (spec) => {
      spec.hostname = containerHostname;
      masked = maskedPathsWithContent(spec.linux.maskedPaths ?? []);
      spec.process.args = ['sh', '-c', probe(masked)];
    });
    running = lab.spawn(['run', id, '--bundle', bundle.dir]);
    await running.waitForLine(/^ready$/);
    inside = probeValues(running.stdout);
    insideMounts = parseMountInfo(running.stdout.split('\n').filter((l) => l.startsWith('mnt:')).map((l) => l.slice(4)).join('\n'));
    const state = lab.state(id);
    assert.equal(state.status, 'running');
    assert.ok(state.pid && state.pid > 0, `state has the container's pid: ${JSON.stringify(state)}`);
    pid = state.pid;
  });

  after(async () => {
    if (running) {
      lab.runtime(['kill', id, 'KILL']);
      await running.done;
    }
    lab.close();
  });

  it('runs the program as PID 1 of a fresh PID namespace, with no host process visible', () => {
    assert.equal(inside.get('pid'), '1');
    assert.equal(inside.get('procs'), '/proc/1', 'the only process in /proc is the container itself');
    assert.equal(inside.get('hostpid'), 'absent', `the test's own pid ${process.pid} is not visible inside`);
    // Outside, the same process has an ordinary host pid, and 1 one level in.
    assert.deepEqual(nsPids(pid), [pid, 1]);
  });

  it('lives in namespaces of its own', () => {
    for (const kind of NAMESPACE_KINDS) {
      assert.notEqual(namespaceOf(pid, kind), namespaceOf('self', kind), `${kind} namespace is not the host's`);
    }
  });

  it('changes the hostname inside only', () => {
    assert.equal(inside.get('hostname'), containerHostname);
    assert.equal(hostHostname(), hostnameBefore, 'the host keeps its hostname');
    assert.notEqual(hostnameBefore, containerHostname);
  });

  it('has only the loopback interface, and it is up', () => {
    assert.equal(inside.get('netdevs')?.trim(), 'lo');
    const links = inside.get('iplink')!.split('|').filter(Boolean);
    assert.equal(links.length, 1, `one link: ${links.join(' / ')}`);
    assert.match(links[0], /^1: lo: <[^>]*\bUP\b[^>]*>/);
  });

  it("keeps its mounts out of the host's mount table", () => {
    assert.ok(insideMounts.some((m) => m.mountPoint === '/proc' && m.fsType === 'proc'), 'proc is mounted inside');
    assert.ok(insideMounts.length >= 5, `the runtime made the container's mounts (${insideMounts.length})`);
    assert.deepEqual(hostMountsUnder(bundle.dir), [], 'no mount of the container shows under its bundle on the host');
    assert.deepEqual(hostMountsUnder(lab.stateRoot), [], 'nor under the state root');
  });

  it('masks the masked paths', () => {
    assert.ok(masked.length > 0, 'this host has masked paths with content to check (e.g. /proc/timer_list, /sys/firmware)');
    for (const p of masked) assert.equal(inside.get(`masked:${p}`), '0', `${p} reads as empty inside`);
  });

  it('makes /proc/sys read-only', () => {
    assert.match(inside.get('procsys')!, /^[1-9]\d* .*Read-only file system/);
    const procSys = insideMounts.filter((m) => m.mountPoint === '/proc/sys').at(-1);
    assert.ok(procSys, '/proc/sys is a mount of its own inside');
    assert.ok(procSys.options.includes('ro'), `mounted read-only: ${JSON.stringify(procSys)}`);
  });

  it('cannot mount or set the hostname: no CAP_SYS_ADMIN', () => {
    const CAP_SYS_ADMIN = 21n;
    assert.equal((BigInt(`0x${inside.get('CapEff')}`) >> CAP_SYS_ADMIN) & 1n, 0n);
    assert.equal((BigInt(`0x${inside.get('CapBnd')}`) >> CAP_SYS_ADMIN) & 1n, 0n);
    // busybox words EPERM from mount(2) as "permission denied (are you root?)"
    assert.match(inside.get('mount')!, /^[1-9]\d* .*(Operation not permitted|permission denied)/);
    assert.match(inside.get('sethostname')!, /^[1-9]\d* .*Operation not permitted/);
    assert.equal(inside.get('hostname_after'), containerHostname);
  });
});

describe('a mount made inside, with CAP_SYS_ADMIN granted', () => {
  const lab = new Lab('isolation-mount');
  const marker = `skiff-marker-${randomBytes(4).toString('hex')}`;
  let id: ContainerId;
  let running: Running;
  let pid: number;

  before(async () => {
    id = lab.newId('mnt');
    const bundle = lab.bundle(['sh', '-c', `mount -t tmpfs ${marker} /tmp && echo mounted && exec sleep 1000`], (spec) => {
      for (const set of ['bounding', 'effective', 'permitted'] as const) spec.process.capabilities![set]!.push('CAP_SYS_ADMIN');
    });
    running = lab.spawn(['run', id, '--bundle', bundle.dir]);
    await running.waitForLine(/^mounted$/);
    pid = lab.state(id).pid!;
  });

  after(async () => {
    if (running) {
      lab.runtime(['kill', id, 'KILL']);
      await running.done;
    }
    lab.close();
  });

  it("is in the container's mount table", () => {
    assert.ok(readMountInfo(pid).some((m) => m.source === marker && m.mountPoint === '/tmp'));
  });

  it("is not in the host's", () => {
    assert.deepEqual(readMountInfo().filter((m) => m.source === marker), []);
  });
});
