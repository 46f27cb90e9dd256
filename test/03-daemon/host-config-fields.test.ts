// Every field of the Engine API's HostConfig (moby's swagger, HostConfig and
// the Resources it embeds) is either applied by skiffd or refused with a 400
// that names it; none is read and dropped. The table below is the walk: one
// row per field, with a value that asks for something. An applied field's
// effect is proven by the tests of its feature (security, volumes, networks,
// limits); here its value must be accepted. A field the swagger gains must
// get a row before this test passes again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseDocument } from 'yaml';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { startSkiffd, type Skiffd } from '../helpers/skiffd.ts';
import { call, importBusybox } from './fixtures.ts';

const SWAGGER = join(import.meta.dirname, '../../node_modules/.cache/skiff/engine-api-swagger.yaml');

type Row = { applied: unknown } | { refused: unknown; message: RegExp } | { clientSide: unknown };
const refused = (value: unknown, message: RegExp): Row => ({ refused: value, message });

let skiffd: Skiffd;
let work: string;

/** One row per field; the value is one a user would send to ask for something. */
const ROWS = (): Record<string, Row> => ({
  // HostConfig's own fields
  Binds: { applied: [`${work}:/mnt:ro`] },
  ContainerIDFile: { clientSide: 'cid' }, // the CLI writes the file; the daemon never sees a use for it (as dockerd)
  LogConfig: { applied: { Type: 'json-file', Config: {} } },
  NetworkMode: { applied: 'none' },
  PortBindings: { applied: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  RestartPolicy: { applied: { Name: 'on-failure', MaximumRetryCount: 2 } },
  AutoRemove: { applied: true },
  VolumeDriver: refused('nfs', /VolumeDriver nfs is not supported/),
  VolumesFrom: { applied: ['source'] },
  Mounts: { applied: [{ Type: 'tmpfs', Target: '/scratch' }] },
  CapAdd: { applied: ['NET_ADMIN'] },
  CapDrop: { applied: ['CHOWN'] },
  CgroupnsMode: refused('host', /CgroupnsMode host is not supported/),
  Dns: { applied: ['10.0.0.53'] },
  DnsOptions: { applied: ['ndots:2'] },
  DnsSearch: { applied: ['example.test'] },
  ExtraHosts: { applied: ['db:10.0.0.5'] },
  GroupAdd: refused(['audio'], /GroupAdd \(--group-add\) is not supported/),
  IpcMode: refused('host', /IpcMode \(--ipc\) is not supported/),
  Cgroup: refused('container:x', /Cgroup .* is not supported/),
  Links: refused(['source:alias'], /Links \(--link\) is not supported/),
  OomScoreAdj: refused(500, /OomScoreAdj \(--oom-score-adj\) is not supported/),
  PidMode: refused('host', /PidMode \(--pid\) is not supported/),
  Privileged: { applied: true },
  PublishAllPorts: { applied: true },
  ReadonlyRootfs: { applied: true },
  SecurityOpt: { applied: ['no-new-privileges'] },
  StorageOpt: refused({ size: '1G' }, /StorageOpt \(--storage-opt\) is not supported/),
  Tmpfs: { applied: { '/run': 'size=1m' } },
  UTSMode: refused('host', /UTSMode \(--uts\) is not supported/),
  // host is the only mode of a daemon without --userns-remap (test/03-daemon/userns-remap.test.ts proves both).
  UsernsMode: { applied: 'host' },
  ShmSize: refused(1 << 20, /ShmSize \(--shm-size\) is not supported/),
  Sysctls: refused({ 'net.ipv4.ip_forward': '1' }, /Sysctls \(--sysctl\) is not supported/),
  Runtime: refused('runc', /Runtime runc is not supported/),
  ConsoleSize: { applied: [24, 80] },
  Isolation: refused('hyperv', /^invalid isolation 'hyperv' on linux$/),
  MaskedPaths: { applied: ['/proc/kcore'] },
  ReadonlyPaths: { applied: ['/proc/sys'] },
  // Resources
  CpuShares: { applied: 512 },
  Memory: { applied: 64 << 20 },
  CgroupParent: refused('/custom', /CgroupParent \(--cgroup-parent\) is not supported/),
  BlkioWeight: refused(500, /BlkioWeight \(--blkio-weight\) is not supported/),
  BlkioWeightDevice: refused([{ Path: '/dev/null', Weight: 500 }], /BlkioWeightDevice .* is not supported/),
  BlkioDeviceReadBps: refused([{ Path: '/dev/null', Rate: 1024 }], /BlkioDeviceReadBps .* is not supported/),
  BlkioDeviceWriteBps: refused([{ Path: '/dev/null', Rate: 1024 }], /BlkioDeviceWriteBps .* is not supported/),
  BlkioDeviceReadIOps: refused([{ Path: '/dev/null', Rate: 10 }], /BlkioDeviceReadIOps .* is not supported/),
  BlkioDeviceWriteIOps: refused([{ Path: '/dev/null', Rate: 10 }], /BlkioDeviceWriteIOps .* is not supported/),
  CpuPeriod: { applied: 50_000 },
  CpuQuota: { applied: 25_000 },
  CpuRealtimePeriod: refused(1_000_000, /CpuRealtimePeriod .* is not supported/),
  CpuRealtimeRuntime: refused(950_000, /CpuRealtimeRuntime .* is not supported/),
  CpusetCpus: refused('0', /CpusetCpus \(--cpuset-cpus\) is not supported/),
  CpusetMems: refused('0', /CpusetMems \(--cpuset-mems\) is not supported/),
  Devices: { applied: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rwm' }] },
  DeviceCgroupRules: { applied: ['c 1:3 rwm'] },
  DeviceRequests: refused([{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }], /DeviceRequests \(--gpus\) is not supported/),
  KernelMemory: refused(64 << 20, /KernelMemory .* is not supported/),
  KernelMemoryTCP: refused(64 << 20, /KernelMemoryTCP is not supported/),
  MemoryReservation: refused(32 << 20, /MemoryReservation .* is not supported/),
  MemorySwap: { applied: 128 << 20 },
  MemorySwappiness: refused(10, /MemorySwappiness .* is not supported/),
  NanoCpus: { applied: 500_000_000 },
  OomKillDisable: refused(true, /OomKillDisable .* is not supported/),
  Init: refused(true, /Init \(--init\) is not supported/),
  PidsLimit: { applied: 100 },
  Ulimits: refused([{ Name: 'nofile', Soft: 1024, Hard: 2048 }], /Ulimits \(--ulimit\) is not supported/),
  CpuCount: refused(2, /CpuCount .* is not supported/),
  CpuPercent: refused(50, /CpuPercent .* is not supported/),
  IOMaximumIOps: refused(100, /IOMaximumIOps .* is not supported/),
  IOMaximumBandwidth: refused(1 << 20, /IOMaximumBandwidth .* is not supported/),
});

/** The swagger's HostConfig fields: its own and those of the Resources it embeds. */
function swaggerFields(): string[] {
  const definitions = parseDocument(readFileSync(SWAGGER, 'utf8')).toJS().definitions;
  const own = definitions.HostConfig.allOf.flatMap((part: { properties?: object }) => Object.keys(part.properties ?? {}));
  return [...new Set([...Object.keys(definitions.Resources.properties), ...own])];
}

/** What a field needs beside it to be meaningful: a memory swap needs a memory limit, a CPU quota a period. */
const COMPANIONS: Record<string, object> = { MemorySwap: { Memory: 64 << 20 }, CpuQuota: { CpuPeriod: 100_000 }, AutoRemove: {}, VolumesFrom: {} };

before(async () => {
  work = makeTempDir('skiff-hostconfig-');
  skiffd = await startSkiffd({ extraArgs: ['--bridge', 'none'] });
  importBusybox(skiffd);
  skiffd.docker(['create', '--name', 'source', '-v', '/data', 'busybox', 'true']);
});
after(async () => {
  await skiffd?.stop();
  removeTempDir(work);
});

test('every HostConfig field of the Engine API has a row', () => {
  const rows = ROWS();
  assert.deepEqual(swaggerFields().filter((f) => !(f in rows)), [], 'fields without a row');
});

test('each field is applied (accepted) or refused with a 400 naming it', async () => {
  for (const [field, row] of Object.entries(ROWS())) {
    const value = 'applied' in row ? row.applied : 'refused' in row ? row.refused : row.clientSide;
    const body = { Image: 'busybox', Cmd: ['true'], HostConfig: { ...COMPANIONS[field], [field]: value } };
    const reply = await call(skiffd, 'POST', '/v1.41/containers/create', JSON.stringify(body), { 'Content-Type': 'application/json' });
    const { Id, message } = JSON.parse(reply.body);
    if ('refused' in row) {
      assert.equal(reply.status, 400, `${field}: ${reply.body}`);
      assert.match(message, row.message, field);
    } else {
      assert.equal(reply.status, 201, `${field}: ${reply.body}`);
      await call(skiffd, 'DELETE', `/v1.41/containers/${Id}?v=1&force=1`);
    }
  }
});
