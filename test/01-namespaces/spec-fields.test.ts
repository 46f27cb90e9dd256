// Every field of the runtime spec's config.json (config.md, config-linux.md,
// runtime-spec v1.2) is either applied, with its effect observed here, or
// refused before anything is created, with one line naming the field.
// Nothing is read and dropped. The table below is the walk: one row per
// field, in the spec's order; a field this runtime starts applying moves
// from `refused` to a probe of its effect.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab, lines, type Bundle, type ContainerId, type Spec } from './helpers.ts';
import { cgroupDirsNamed, hostMountsUnder, readMountInfo } from './host.ts';

type Edit = (spec: Spec) => void;

interface Applied {
  field: string;
  set: Edit;
  /** A shell script run in the container; its output must match `expect`. */
  probe?: string;
  expect?: RegExp;
  /** Or a check made from outside, while the container runs `sleep`. */
  outside?: (lab: Lab, id: ContainerId, bundle: Bundle) => void;
  /** A check made once the container is gone. */
  afterRun?: (bundle: Bundle) => void;
  /** Files to put in the rootfs first. */
  files?: Record<string, string>;
  /** Anything else to do to the bundle first. */
  prepare?: (bundle: Bundle) => void;
}

interface Refused {
  field: string;
  set: Edit;
  refused: true;
}

type Row = Applied | Refused;

const linux = (spec: Spec) => spec.linux as Spec['linux'] & Record<string, unknown>;
const process_ = (spec: Spec) => spec.process as Spec['process'] & Record<string, unknown>;
const resources = (spec: Spec) => (linux(spec).resources ??= {}) as Record<string, Record<string, unknown> | unknown[]>;
const refuse = (field: string, set: Edit): Refused => ({ field, set, refused: true });
const CGROUPS_PATH = `skiff-fields-${process.pid}`;

/** The host's cgroup file of the container (v1 here; cgroup-v2.test.ts covers v2). */
function cgroupFile(controller: string, file: string): string {
  return readFileSync(join('/sys/fs/cgroup', controller, CGROUPS_PATH, file), 'utf8').trim();
}

/** Whether a v1 hierarchy of this host holds `controller` (and, in its root, `file`). */
function hostHas(controller: string, file?: string): boolean {
  const mount = readMountInfo().find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
  return mount !== undefined && (file === undefined || existsSync(join(mount.mountPoint, file)));
}

/** A block device of this host, from /proc/partitions (major, minor, #blocks, name). */
function blockDevice(): { major: number; minor: number } {
  const [major, minor] = readFileSync('/proc/partitions', 'utf8').split('\n').slice(2).find((l) => l.trim())!.trim().split(/\s+/).map(Number);
  return { major: major!, minor: minor! };
}

const ownNamespace = (kind: string) => readlinkSync(`/proc/self/ns/${kind}`);

/** A new user namespace: the container's 0…65535 are the host's 100000…. */
const USERNS_HOST_ID = 100000;
const inUserNamespace: Edit = (s) => {
  s.linux.namespaces.push({ type: 'user' });
  linux(s).uidMappings = [{ containerID: 0, hostID: USERNS_HOST_ID, size: 65536 }];
  linux(s).gidMappings = [{ containerID: 0, hostID: USERNS_HOST_ID, size: 65536 }];
};
/** Its root is nobody special on the host: the bundle's parents must let it through (mkdtemp makes them 0700). */
const reachable = (bundle: Bundle) => chmodSync(dirname(bundle.dir), 0o711);
const hostIds = (pid: number, field: 'Uid' | 'Gid') => readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(.*)$`, 'm'))![1]!.split('\t');
const namespaceRow = (type: string, file: string): Applied => ({
  field: `linux.namespaces[].type = ${type}`,
  set: (s) => {
    s.linux.namespaces = s.linux.namespaces.filter((ns) => ns.type !== type).concat({ type });
  },
  probe: `readlink /proc/self/ns/${file}`,
  expect: new RegExp(`^${file}:\\[(?!${ownNamespace(file).replace(/\D/g, '')}\\])\\d+\\]$`),
});

const ROWS: Row[] = [
  // config.md
  { field: 'ociVersion', set: (s) => (s.ociVersion = '1.0.2'), outside: (lab, id) => assert.equal(lab.state(id).ociVersion, '1.0.2') },
  { field: 'root.path', set: () => {}, files: { 'etc/marker': 'in the rootfs\n' }, probe: 'cat /etc/marker', expect: /^in the rootfs$/ },
  { field: 'root.readonly', set: (s) => (s.root.readonly = true), probe: 'touch /x 2>&1; echo $?', expect: /Read-only file system\n1$/ },
  {
    field: 'mounts[] (destination, type, source, options)',
    set: (s) => s.mounts!.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'noexec'] }),
    probe: 'grep " /scratch " /proc/mounts',
    expect: /^tmpfs \/scratch tmpfs rw,noexec,relatime,size=1024k/,
  },
  refuse('mounts[0].uidMappings', (s) => Object.assign(s.mounts![0]!, { uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] })),
  refuse('mounts[0].gidMappings', (s) => Object.assign(s.mounts![0]!, { gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] })),
  { field: 'process.terminal', set: (s) => (s.process.terminal = true), probe: 'tty', expect: /^\/dev\/pts\/0\r?$/ },
  {
    field: 'process.consoleSize',
    set: (s) => Object.assign(s.process, { terminal: true, consoleSize: { height: 33, width: 111 } }),
    probe: 'stty size',
    expect: /^33 111\r?$/,
  },
  { field: 'process.cwd', set: (s) => (s.process.cwd = '/tmp'), probe: 'pwd', expect: /^\/tmp$/ },
  { field: 'process.env', set: (s) => s.process.env!.push('FIELD=walked'), probe: 'echo $FIELD', expect: /^walked$/ },
  { field: 'process.args', set: () => {}, probe: 'echo "$0"', expect: /^sh$/ },
  { field: 'process.rlimits', set: (s) => (s.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 321, hard: 654 }]), probe: 'ulimit -n; ulimit -Hn', expect: /^321\n654$/ },
  refuse('process.apparmorProfile', (s) => (process_(s).apparmorProfile = 'docker-default')),
  ...(['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const).map((set): Applied => ({
    field: `process.capabilities.${set}`,
    set: (s) => (s.process.capabilities = { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'], inheritable: ['CAP_CHOWN'], ambient: ['CAP_CHOWN'] }),
    probe: `grep Cap${{ bounding: 'Bnd', effective: 'Eff', permitted: 'Prm', inheritable: 'Inh', ambient: 'Amb' }[set]} /proc/self/status`,
    expect: /^Cap\w+:\s+0000000000000001$/,
  })),
  { field: 'process.noNewPrivileges', set: (s) => (s.process.noNewPrivileges = true), probe: 'grep NoNewPrivs /proc/self/status', expect: /^NoNewPrivs:\s+1$/ },
  { field: 'process.oomScoreAdj', set: (s) => (s.process.oomScoreAdj = 234), probe: 'cat /proc/self/oom_score_adj', expect: /^234$/ },
  refuse('process.scheduler', (s) => (process_(s).scheduler = { policy: 'SCHED_BATCH' })),
  refuse('process.selinuxLabel', (s) => (process_(s).selinuxLabel = 'system_u:system_r:container_t:s0')),
  refuse('process.ioPriority', (s) => (process_(s).ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 })),
  refuse('process.execCPUAffinity', (s) => (process_(s).execCPUAffinity = { initial: '0' })),
  { field: 'process.user.uid', set: (s) => (s.process.user.uid = 1234), probe: 'id -u', expect: /^1234$/ },
  { field: 'process.user.gid', set: (s) => (s.process.user.gid = 2345), probe: 'id -g', expect: /^2345$/ },
  { field: 'process.user.umask', set: (s) => Object.assign(s.process.user, { umask: 0o027 }), probe: 'umask', expect: /^0027$/ },
  { field: 'process.user.additionalGids', set: (s) => (s.process.user.additionalGids = [3456, 4567]), probe: 'id -G', expect: /^0 3456 4567$/ },
  refuse('process.user.username', (s) => Object.assign(s.process.user, { username: 'ContainerUser' })),
  refuse('process.commandLine', (s) => (process_(s).commandLine = 'cmd.exe /c echo')),
  { field: 'hostname', set: (s) => (s.hostname = 'walked'), probe: 'hostname', expect: /^walked$/ },
  { field: 'domainname', set: (s) => Object.assign(s, { domainname: 'walked.example' }), probe: 'cat /proc/sys/kernel/domainname', expect: /^walked\.example$/ },
  {
    field: 'annotations',
    set: (s) => (s.annotations = { 'org.example.walk': 'yes' }),
    outside: (lab, id) => assert.deepEqual((lab.state(id) as unknown as { annotations: object }).annotations, { 'org.example.walk': 'yes' }),
  },
  // Each hook writes the state it was given to a file (hooks.test.ts has the rest); startContainer's path is the container's.
  ...['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'].map((hook): Applied => {
    const hostFile = join(tmpdir(), `skiff-fields-${process.pid}-${hook}`);
    const target = hook === 'startContainer' ? '/hooked' : hostFile;
    return {
      field: `hooks.${hook}`,
      set: (s) => (s.hooks = { [hook]: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${target}`] }] }),
      probe: 'true',
      expect: /^$/,
      afterRun: (bundle) => {
        const file = hook === 'startContainer' ? join(bundle.rootfs, 'hooked') : hostFile;
        const text = readFileSync(file, 'utf8');
        rmSync(file);
        assert.match(text, /"status":\s*"\w+"/);
      },
    };
  }),
  refuse('windows', (s) => (s.windows = { layerFolders: [] })),
  refuse('solaris', (s) => (s.solaris = { milestone: 'svc:/milestone/container:default' })),
  refuse('vm', (s) => (s.vm = { kernel: { path: '/boot/vmlinuz' } })),
  refuse('zos', (s) => (s.zos = { namespaces: [] })),

  // config-linux.md
  namespaceRow('pid', 'pid'),
  namespaceRow('network', 'net'),
  namespaceRow('mount', 'mnt'),
  {
    // Not listed, a namespace is the runtime's: the host's mounts, a chroot (host-mount-namespace.test.ts).
    field: 'linux.namespaces[] without type = mount',
    set: (s) => {
      s.linux.namespaces = s.linux.namespaces.filter((ns) => ns.type !== 'mount');
      delete s.linux.maskedPaths;
      delete s.linux.readonlyPaths;
    },
    probe: 'readlink /proc/self/ns/mnt; ls /',
    expect: new RegExp(`^${ownNamespace('mnt').replace(/[[\]]/g, '\\$&')}\nbin\n`),
  },
  namespaceRow('ipc', 'ipc'),
  namespaceRow('uts', 'uts'),
  namespaceRow('cgroup', 'cgroup'),
  {
    field: 'linux.namespaces[].type = user',
    set: inUserNamespace,
    prepare: reachable,
    probe: 'readlink /proc/self/ns/user; id -u',
    expect: new RegExp(`^user:\\[(?!${ownNamespace('user').replace(/\D/g, '')}\\])\\d+\\]\n0$`),
  },
  refuse('linux.namespaces[0].type', (s) => s.linux.namespaces.unshift({ type: 'time' })),
  {
    field: 'linux.namespaces[].path',
    set: (s) => {
      s.linux.namespaces = s.linux.namespaces.filter((ns) => ns.type !== 'ipc').concat({ type: 'ipc', path: '/proc/self/ns/ipc' });
    },
    probe: 'readlink /proc/self/ns/ipc',
    expect: new RegExp(`^${ownNamespace('ipc').replace(/[[\]]/g, '\\$&')}$`),
  },
  ...(['Uid', 'Gid'] as const).map((field): Applied => ({
    field: `linux.${field.toLowerCase()}Mappings`,
    set: inUserNamespace,
    prepare: reachable,
    outside: (lab, id) => assert.deepEqual(hostIds(lab.state(id).pid!, field), Array(4).fill(String(USERNS_HOST_ID))),
  })),
  refuse('linux.timeOffsets', (s) => (linux(s).timeOffsets = { monotonic: { secs: 100 } })),
  {
    field: 'linux.devices',
    set: (s) => (linux(s).devices = [{ path: '/dev/walked', type: 'c', major: 1, minor: 7, fileMode: 0o640 }]),
    probe: 'ls -l /dev/walked',
    expect: /^crw-r-----\s+1 \w+\s+\w+\s+1,\s+7 /,
  },
  {
    field: 'linux.cgroupsPath',
    set: (s) => (s.linux.cgroupsPath = `/${CGROUPS_PATH}-own`),
    outside: () => assert.deepEqual(cgroupDirsNamed(`${CGROUPS_PATH}-own`).length > 0, true),
  },
  {
    field: 'linux.resources.devices',
    set: (s) => {
      s.process.capabilities!.bounding!.push('CAP_MKNOD');
      s.process.capabilities!.effective!.push('CAP_MKNOD');
      s.process.capabilities!.permitted!.push('CAP_MKNOD');
    },
    probe: '(mknod /tmp/mem c 1 1 && head -c1 /tmp/mem) 2>&1; true',
    expect: /Operation not permitted/,
  },
  {
    field: 'linux.resources.memory.limit',
    set: (s) => (resources(s).memory = { limit: 64 << 20 }),
    outside: () => assert.equal(cgroupFile('memory', 'memory.limit_in_bytes'), String(64 << 20)),
  },
  {
    field: 'linux.resources.memory.swap',
    set: (s) => (resources(s).memory = { limit: 64 << 20, swap: 96 << 20 }),
    outside: () => assert.equal(cgroupFile('memory', 'memory.memsw.limit_in_bytes'), String(96 << 20)),
  },
  {
    field: 'linux.resources.memory.reservation',
    set: (s) => (resources(s).memory = { reservation: 32 << 20 }),
    outside: () => assert.equal(cgroupFile('memory', 'memory.soft_limit_in_bytes'), String(32 << 20)),
  },
  {
    field: 'linux.resources.memory.swappiness',
    set: (s) => (resources(s).memory = { swappiness: 17 }),
    outside: () => assert.equal(cgroupFile('memory', 'memory.swappiness'), '17'),
  },
  {
    field: 'linux.resources.memory.disableOOMKiller',
    set: (s) => (resources(s).memory = { disableOOMKiller: true }),
    outside: () => assert.match(cgroupFile('memory', 'memory.oom_control'), /^oom_kill_disable 1$/m),
  },
  ...['kernel', 'kernelTCP', 'useHierarchy', 'checkBeforeUpdate'].map((key) =>
    refuse(`linux.resources.memory.${key}`, (s) => (resources(s).memory = { [key]: key === 'useHierarchy' || key === 'checkBeforeUpdate' ? true : 1 << 20 })),
  ),
  { field: 'linux.resources.cpu.shares', set: (s) => (resources(s).cpu = { shares: 512 }), outside: () => assert.equal(cgroupFile('cpu', 'cpu.shares'), '512') },
  { field: 'linux.resources.cpu.quota', set: (s) => (resources(s).cpu = { quota: 20000 }), outside: () => assert.equal(cgroupFile('cpu', 'cpu.cfs_quota_us'), '20000') },
  { field: 'linux.resources.cpu.period', set: (s) => (resources(s).cpu = { period: 50000 }), outside: () => assert.equal(cgroupFile('cpu', 'cpu.cfs_period_us'), '50000') },
  { field: 'linux.resources.cpu.cpus', set: (s) => (resources(s).cpu = { cpus: '1' }), outside: () => assert.equal(cgroupFile('cpuset', 'cpuset.cpus'), '1') },
  { field: 'linux.resources.cpu.mems', set: (s) => (resources(s).cpu = { mems: '0' }), outside: () => assert.equal(cgroupFile('cpuset', 'cpuset.mems'), '0') },
  ...['burst', 'realtimeRuntime', 'realtimePeriod', 'idle'].map((key) => refuse(`linux.resources.cpu.${key}`, (s) => (resources(s).cpu = { [key]: 1000 }))),
  { field: 'linux.resources.pids.limit', set: (s) => (resources(s).pids = { limit: 77 }), outside: () => assert.equal(cgroupFile('pids', 'pids.max'), '77') },
  // Applied where this host's v1 hierarchies hold the controller (and its
  // file), refused with the field named where they do not: each row takes
  // the side this host is on.
  hostHas('blkio', 'blkio.throttle.read_bps_device')
    ? { field: 'linux.resources.blockIO.throttleReadBpsDevice', set: (s) => (resources(s).blockIO = { throttleReadBpsDevice: [{ ...blockDevice(), rate: 1 << 20 }] }),
        outside: () => assert.equal(cgroupFile('blkio', 'blkio.throttle.read_bps_device'), `${blockDevice().major}:${blockDevice().minor} ${1 << 20}`) }
    : refuse('linux.resources.blockIO', (s) => (resources(s).blockIO = { throttleReadBpsDevice: [{ ...blockDevice(), rate: 1 << 20 }] })),
  hostHas('blkio', 'blkio.weight')
    ? { field: 'linux.resources.blockIO.weight', set: (s) => (resources(s).blockIO = { weight: 500 }), outside: () => assert.equal(cgroupFile('blkio', 'blkio.weight'), '500') }
    : refuse(hostHas('blkio') ? 'linux.resources.blockIO.weight' : 'linux.resources.blockIO', (s) => (resources(s).blockIO = { weight: 500 })),
  hostHas('hugetlb', 'hugetlb.2MB.limit_in_bytes')
    ? { field: 'linux.resources.hugepageLimits', set: (s) => (resources(s).hugepageLimits = [{ pageSize: '2MB', limit: 1 << 21 }]),
        outside: () => assert.equal(cgroupFile('hugetlb', 'hugetlb.2MB.limit_in_bytes'), String(1 << 21)) }
    : refuse('linux.resources.hugepageLimits', (s) => (resources(s).hugepageLimits = [{ pageSize: '2MB', limit: 1 << 21 }])),
  hostHas('net_cls')
    ? { field: 'linux.resources.network.classID', set: (s) => (resources(s).network = { classID: 0x100001 }), outside: () => assert.equal(cgroupFile('net_cls', 'net_cls.classid'), String(0x100001)) }
    : refuse('linux.resources.network.classID', (s) => (resources(s).network = { classID: 0x100001 })),
  refuse('linux.resources.rdma', (s) => (resources(s).rdma = { mlx5_1: { hcaHandles: 3 } })),
  refuse('linux.resources.unified', (s) => (resources(s).unified = { 'memory.high': '1000000' })),
  refuse('linux.intelRdt', (s) => (linux(s).intelRdt = { closID: 'guaranteed' })),
  refuse('linux.personality', (s) => (linux(s).personality = { domain: 'LINUX32' })),
  { field: 'linux.sysctl', set: (s) => (s.linux.sysctl = { 'kernel.msgmax': '12345' }), probe: 'cat /proc/sys/kernel/msgmax', expect: /^12345$/ },
  {
    field: 'linux.seccomp',
    set: (s) => (linux(s).seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }),
    probe: 'mkdir /tmp/d 2>&1; true',
    expect: /Operation not permitted/,
  },
  { field: 'linux.rootfsPropagation', set: (s) => (linux(s).rootfsPropagation = 'shared'), probe: 'grep "^[0-9]* [0-9]* [^ ]* [^ ]* / " /proc/self/mountinfo', expect: / shared:\d+/ },
  { field: 'linux.maskedPaths', set: (s) => (s.linux.maskedPaths = ['/etc/marker']), files: { 'etc/marker': 'secret\n' }, probe: 'wc -c < /etc/marker', expect: /^0$/ },
  { field: 'linux.readonlyPaths', set: (s) => (s.linux.readonlyPaths = ['/tmp']), probe: 'touch /tmp/x 2>&1; grep " /tmp " /proc/self/mountinfo', expect: /Read-only file system[^]* \/tmp ro,nosuid,nodev,noexec/ },
  refuse('linux.mountLabel', (s) => (linux(s).mountLabel = 'system_u:object_r:container_file_t:s0')),
  refuse('linux.netDevices', (s) => (linux(s).netDevices = { eth9: {} })),
  refuse('linux.memoryPolicy', (s) => (linux(s).memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' })),
];

describe('every config.json field is applied or refused', () => {
  const lab = new Lab('fields');
  after(() => lab.close());

  const bundleFor = (row: Row, args: string[]): Bundle => {
    const bundle = lab.bundle(args, (spec) => {
      spec.linux.cgroupsPath ??= `/${CGROUPS_PATH}`;
      spec.root.readonly = false; // runc spec's default: a write must fail for a field's sake alone
      row.set(spec);
    });
    for (const [path, text] of Object.entries((row as Applied).files ?? {})) writeFileSync(join(bundle.rootfs, path), text);
    (row as Applied).prepare?.(bundle);
    return bundle;
  };

  for (const row of ROWS) {
    if ('refused' in row) {
      it(`${row.field}: refused, naming the field, before anything is created`, () => {
        const id = lab.newId('refused');
        const bundle = bundleFor(row, ['true']);
        const r = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
        assert.notEqual(r.code, 0, 'refused');
        assert.equal(lines(r.stderr).length, 1, `one line: ${r.stderr}`);
        assert.ok(lines(r.stderr)[0]!.includes(`config.json: ${row.field}`), `names ${row.field}: ${r.stderr}`);
        assert.deepEqual(lab.stateEntries(), [], 'no state');
        assert.deepEqual(cgroupDirsNamed(CGROUPS_PATH), [], 'no cgroup');
        assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount');
      });
    } else if (row.outside) {
      it(`${row.field}: applied, seen from outside`, () => {
        const id = lab.newId('outside');
        const bundle = bundleFor(row, ['sleep', '1000']);
        const r = lab.runtimeDetached(['create', id, '--bundle', bundle.dir], id);
        assert.equal(r.code, 0, r.stderr);
        try {
          row.outside!(lab, id, bundle);
        } finally {
          assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
        }
      });
    } else {
      it(`${row.field}: applied, seen from inside`, () => {
        const bundle = bundleFor(row, ['sh', '-c', row.probe!]);
        const r = lab.runtime(['run', lab.newId('inside'), '--bundle', bundle.dir]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout.trim(), row.expect!);
        row.afterRun?.(bundle);
      });
    }
  }
});
