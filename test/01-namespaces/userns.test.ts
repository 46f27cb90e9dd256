// User namespaces: root in the container is an unprivileged user on the
// host. Proved from outside (the container's process, and a file it makes on
// a bind mount, belong to the mapped host uid), from inside (`id` says 0),
// and against runc on the same bundles: same output, same exit code.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab, lines, sameAsRunc, type Bundle, type RunResult, type Spec } from './helpers.ts';

/** Host ids of the container's root: a range nobody on this host uses. */
const HOST_ID = 231072;
const SIZE = 65536;

/** A new user namespace, mapping the container's 0…65535 to the host's HOST_ID…. */
function inUserNamespace(spec: Spec): void {
  spec.linux.namespaces.push({ type: 'user' });
  Object.assign(spec.linux, {
    uidMappings: [{ containerID: 0, hostID: HOST_ID, size: SIZE }],
    gidMappings: [{ containerID: 0, hostID: HOST_ID, size: SIZE }],
  });
}

/** The rootfs belongs to the mapped root, as it must for a container in a user namespace (what `chown -R` does). */
function chownTree(path: string, uid: number, gid: number): void {
  const r = spawnSync('chown', ['-R', '--no-dereference', `${uid}:${gid}`, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const hostStatus = (pid: number, field: string) => readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(.*)$`, 'm'))![1]!;

describe('user namespaces: root in the container, nobody on the host', () => {
  const lab = new Lab('userns');
  // The container's root must be able to reach its rootfs: mkdtemp's 0700 would stop it.
  chmodSync(lab.dir, 0o711);
  const runcRoot = join(lab.dir, 'runc-state');
  mkdirSync(runcRoot);
  after(() => lab.close());

  const bundle = (args: string[], configure: (spec: Spec) => void = () => {}): Bundle => {
    const made = lab.bundle(args, (spec) => {
      inUserNamespace(spec);
      configure(spec);
    });
    chownTree(made.rootfs, HOST_ID, HOST_ID);
    return made;
  };

  it('`id` inside says root, and the maps are the ones asked for', () => {
    const r = lab.runtime(['run', lab.newId('id'), '--bundle', bundle(['sh', '-c', 'id; cat /proc/self/uid_map /proc/self/gid_map']).dir]);
    assert.equal(r.code, 0, r.stderr);
    const [id, uidMap, gidMap] = lines(r.stdout);
    assert.match(id!, /^uid=0\(root\) gid=0\(root\)/);
    assert.deepEqual([uidMap, gidMap].map((l) => l!.trim().split(/\s+/).join(' ')), [`0 ${HOST_ID} ${SIZE}`, `0 ${HOST_ID} ${SIZE}`]);
  });

  it('seen from the host, the container’s process belongs to the mapped uid, in a user namespace of its own', () => {
    const id = lab.newId('outside');
    const pid = lab.startDetached(id, bundle(['sleep', '60']));
    assert.equal(hostStatus(pid, 'Uid'), [HOST_ID, HOST_ID, HOST_ID, HOST_ID].join('\t'));
    assert.equal(hostStatus(pid, 'Gid'), [HOST_ID, HOST_ID, HOST_ID, HOST_ID].join('\t'));
    assert.notEqual(readlinkSync(`/proc/${pid}/ns/user`), readlinkSync('/proc/self/ns/user'));
    // Every other namespace it has is owned by that user namespace: exec lands in them as root.
    const exec = lab.runtime(lab.execArgs(id, ['sh', '-c', 'id -u; grep -E "^Uid" /proc/self/status']));
    assert.equal(exec.code, 0, exec.stderr);
    assert.deepEqual(lines(exec.stdout), ['0', 'Uid:\t0\t0\t0\t0']);
    assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
  });

  it('a user namespace joined by path: another container’s, its root the same host uid', () => {
    const first = lab.newId('owner');
    const pid = lab.startDetached(first, bundle(['sleep', '60']));
    const joining = lab.bundle(['sh', '-c', 'id -u; readlink /proc/self/ns/user'], (spec) => {
      spec.linux.namespaces.push({ type: 'user', path: `/proc/${pid}/ns/user` });
    });
    const r = lab.runtime(['run', lab.newId('joiner'), '--bundle', joining.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['0', readlinkSync(`/proc/${pid}/ns/user`)]);
    assert.equal(lab.runtime(['delete', '--force', first]).code, 0);
  });

  it('the run ends as its program does: killed from the host, 128 + 9', async () => {
    const id = lab.newId('killed');
    const running = lab.spawn(['run', id, '--bundle', bundle(['sleep', '60']).dir]);
    let pid: number | undefined;
    while (!pid) {
      const r = lab.runtime(['state', id]);
      if (r.code === 0 && JSON.parse(r.stdout).status === 'running') pid = JSON.parse(r.stdout).pid as number;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(hostStatus(pid, 'Uid').split('\t')[0], String(HOST_ID), 'the state names the container’s process, not the tool that started it');
    process.kill(pid, 'SIGKILL');
    const r = await running.done;
    assert.equal(r.code, 137, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('a file the container creates on a bind mount belongs to the mapped host uid and gid', () => {
    const shared = join(lab.dir, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o777);
    const made = bundle(['sh', '-c', 'echo hi > /shared/made-inside; ls -ln /shared'], (spec) => {
      spec.mounts!.push({ destination: '/shared', type: 'bind', source: shared, options: ['rbind', 'rw'] });
    });
    const r = lab.runtime(['run', lab.newId('bind'), '--bundle', made.dir]);
    assert.equal(r.code, 0, r.stderr);
    const st = statSync(join(shared, 'made-inside'));
    assert.deepEqual([st.uid, st.gid], [HOST_ID, HOST_ID]);
    assert.match(r.stdout, /^-\S+\s+1 0\s+0\s+3 .* made-inside$/m);
  });

  it('refuses, in one line and before anything is made: no maps, maps without a namespace, an unreachable rootfs', () => {
    const noMaps = lab.bundle(['true'], (spec) => spec.linux.namespaces.push({ type: 'user' }));
    const mapsOnly = lab.bundle(['true'], (spec) => {
      inUserNamespace(spec);
      spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'user');
    });
    const hidden = lab.bundle(['true'], inUserNamespace);
    chmodSync(hidden.dir, 0o700);
    const cases: [Bundle, RegExp][] = [
      [noMaps, /^skiff-runtime: config\.json: linux\.uidMappings: a new user namespace needs a mapping for its root \(containerID 0\)$/],
      [mapsOnly, /^skiff-runtime: config\.json: linux\.uidMappings: maps are only written for a new user namespace/],
      [hidden, new RegExp(`^skiff-runtime: config\\.json: root\\.path: ${hidden.dir} cannot be searched by the container's root \\(host uid ${HOST_ID}, gid ${HOST_ID}\\)`)],
    ];
    for (const [refused, message] of cases) {
      const r = lab.runtime(['run', lab.newId('refused'), '--bundle', refused.dir]);
      assert.equal(r.code, 1);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
    assert.deepEqual(lab.stateEntries(), []);
  });

  describe('the same bundle under runc: same output, same exit code', () => {
    const probes: { name: string; script: string; configure?: (spec: Spec) => void }[] = [
      { name: 'identity, capabilities, maps, exit code', script: 'id; grep -E "^(Uid|Gid|Groups|Cap)" /proc/self/status; cat /proc/self/uid_map /proc/self/setgroups; exit 3' },
      { name: 'mounts: mount points and filesystem types', script: 'sed -E "s/^([^ ]+ ){4}([^ ]+) .* - ([^ ]+) .*/\\2 \\3/" /proc/self/mountinfo' },
      {
        name: 'devices: bound from the host, not made (mknod is refused in a user namespace)',
        script: 'ls -A /dev; for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done; echo x > /dev/null && echo null works',
      },
      {
        name: 'what root may not do: files of unmapped owners, the host’s sysctls, mknod',
        script: 'stat -c "%u:%g" /proc/sys/kernel/hostname; echo x 2>&1 > /proc/sys/kernel/hostname; mknod /tmp/n c 1 3 2>&1; echo $?',
        configure: (spec) => {
          spec.root.readonly = false;
          spec.linux.readonlyPaths = [];
        },
      },
      {
        name: 'a non-root user with additional groups',
        script: 'id; grep -E "^(Uid|Groups|CapEff)" /proc/self/status; touch /tmp/x; ls -ln /tmp/x | cut -d" " -f1-5',
        configure: (spec) => {
          spec.root.readonly = false;
          spec.process.user = { uid: 1000, gid: 1000, additionalGids: [5, 100] };
        },
      },
    ];
    const compare = (made: Bundle): RunResult => sameAsRunc(lab, runcRoot, made.dir);
    for (const probe of probes) it(probe.name, () => void compare(bundle(['sh', '-c', probe.script], probe.configure)));

    it('a network namespace of the host’s, joined by path, is entered before the user namespace is made', async () => {
      // A namespace the host's user namespace owns: its root may enter it, the container's root could not.
      const holder = spawn('unshare', ['--net', 'sleep', '60'], { stdio: 'ignore' });
      try {
        await once(holder, 'spawn');
        const path = `/proc/${holder.pid}/ns/net`;
        while (readlinkSync(path) === readlinkSync('/proc/self/ns/net')) await new Promise((r) => setTimeout(r, 5));
        const made = bundle(['sh', '-c', 'readlink /proc/self/ns/net; ip -o link | cut -d" " -f2,9'], (spec) => {
          spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network').concat({ type: 'network', path });
          // sysfs belongs to the network namespace's owner, the host: show the host's /sys, as Docker does then.
          const sys = spec.mounts!.find((m) => m.destination === '/sys')!;
          Object.assign(sys, { type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] });
        });
        assert.equal(lines(compare(made).stdout)[0], readlinkSync(path));
      } finally {
        holder.kill('SIGKILL');
      }
    });
  });
});
