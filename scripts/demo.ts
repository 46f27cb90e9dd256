// The demo: a container made from nothing but a busybox binary, run by
// skiff-runtime, reporting what it can see next to what the host sees.
//
//   npm run demo
//
// Three steps, each a function, so that later chapters can swap one out.
// Chapter 02 adds its hello-world: the same busybox files, built into an
// image from a Dockerfile by skiff-engine, then run as a container.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeBusyboxRootfs } from './rootfs.js';

/** The runtime executable, as built next to this script (dist/chapters/01-namespaces/main.cjs, one bundled file). */
const RUNTIME = resolve(import.meta.dirname, '../chapters/01-namespaces/main.cjs');
/** The chapter 02 engine, built the same way (dist/chapters/02-images/engine/main.js). */
const ENGINE = resolve(import.meta.dirname, '../chapters/02-images/engine/main.js');
/** The chapter 03 daemon (dist/chapters/03-daemon/main.js). */
const SKIFFD = resolve(import.meta.dirname, '../chapters/03-daemon/main.js');
/** The chapter 04 command line (dist/chapters/04-client/cli/main.js). */
const SKIFF = resolve(import.meta.dirname, '../chapters/04-client/cli/main.js');

/** What the container reports about itself, one "key=value" line each. */
const PROBE = [
  'set -- /proc/[0-9]*; echo "processes=$#"',
  'echo "pid=$$"',
  'echo "hostname=$(hostname)"',
  'echo "user=$(id)"',
  'echo "interfaces=$(ls /sys/class/net | tr "\\n" " ")"',
  'echo "mounts=$(wc -l < /proc/self/mountinfo)"',
  'echo "files=$(ls / | tr "\\n" " ")"',
].join('; ');

interface Step<T> {
  title: string;
  run: () => T;
}

function step<T>({ title, run }: Step<T>): T {
  console.log(`\n▸ ${title}`);
  return run();
}

/** Step 1: a root filesystem, the files the container will see as "/". */
function prepareRootfs(workDir: string): string {
  const rootfs = makeBusyboxRootfs(join(workDir, 'rootfs'));
  const links = ['bin', 'sbin', 'usr/bin', 'usr/sbin'].reduce((n, dir) => n + readdirSync(join(rootfs, dir)).length, 0) - 1;
  console.log(`  ${rootfs}`);
  console.log(`  one static busybox binary and ${links} links to it (sh, ls, ps, ip...)`);
  return rootfs;
}

/** Step 2: run the probe in a container, through the runtime's command line as a user would. */
function runContainer(rootfs: string): Map<string, string> {
  const args = ['run', '--rootfs', rootfs, '--hostname', 'skiff-demo', '--', 'sh', '-c', PROBE];
  console.log(`  $ skiff-runtime run --rootfs ${rootfs} --hostname skiff-demo -- sh -c '…'`);
  const r = spawnSync(process.execPath, [RUNTIME, ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`the container failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  }
  console.log('  exit code 0; the runtime removed its cgroups, mounts and state on the way out');
  return new Map(r.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]));
}

/** Step 3: what the container saw, next to what the host sees. */
function compareWithHost(inside: Map<string, string>): void {
  const hostProcesses = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  const hostInterfaces = readdirSync('/sys/class/net').sort().join(' ');
  const hostMounts = readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').length;
  const rows: [string, string, string][] = [
    ['my PID', inside.get('pid') ?? '?', `${process.pid} (this demo)`],
    ['hostname', inside.get('hostname') ?? '?', hostname()],
    ['processes I can see', inside.get('processes') ?? '?', String(hostProcesses)],
    ['network interfaces', inside.get('interfaces') ?? '?', hostInterfaces],
    ['mounts', inside.get('mounts') ?? '?', String(hostMounts)],
    ['user', inside.get('user') ?? '?', `uid=${process.getuid?.()}(root)`],
    ['files in /', inside.get('files') ?? '?', '(the host\'s own /)'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max('inside the container'.length, ...rows.map((r) => r[1].length));
  console.log(`  ${''.padEnd(w0)}   ${'inside the container'.padEnd(w1)}   on the host`);
  for (const [what, inContainer, onHost] of rows) {
    console.log(`  ${what.padEnd(w0)}   ${inContainer.padEnd(w1)}   ${onHost}`);
  }
}

// #region hello-world
/** Chapter 02, step 1: a build context — the busybox rootfs as a tarball, a script, a Dockerfile. */
function prepareHelloContext(workDir: string, rootfs: string): string {
  const context = join(workDir, 'hello');
  mkdirSync(context);
  const tar = spawnSync('tar', ['-C', rootfs, '-cf', join(context, 'busybox.tar'), '.']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  writeFileSync(join(context, 'hello.sh'), [
    '#!/bin/sh',
    'echo "Hello from Skiff!"',
    'echo "This container runs an image built from a Dockerfile, as PID $$ on host $(hostname)."',
    '',
  ].join('\n'), { mode: 0o755 });
  writeFileSync(join(context, 'Dockerfile'), HELLO_DOCKERFILE);
  for (const line of HELLO_DOCKERFILE.trim().split('\n')) console.log(`  ${line}`);
  return context;
}

const HELLO_DOCKERFILE = `FROM scratch
ADD busybox.tar /
COPY hello.sh /usr/local/bin/hello
CMD ["hello"]
`;

/** Runs skiff-engine with the demo's own store, echoing the command the way a user would type it. */
function engine(root: string, args: string[]): string {
  console.log(`  $ skiff-engine ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [ENGINE, '--root', root, ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`skiff-engine ${args[0]} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  for (const line of r.stdout.trimEnd().split('\n')) console.log(`  ${line}`);
  return r.stdout;
}
// #endregion hello-world

// #region skiffd-demo
/** Chapter 03: skiffd on a private socket, in the background; resolves once it answers. */
async function startSkiffd(workDir: string): Promise<{ host: string; daemon: ChildProcess }> {
  const socket = join(workDir, 'skiffd.sock');
  const args = ['--host', `unix://${socket}`, '--data-root', join(workDir, 'skiffd-data'), '--exec-root', join(workDir, 'skiffd-run'), '--bridge', 'none'];
  console.log(`  $ skiffd ${args.join(' ')} &`);
  const daemon = spawn(process.execPath, [SKIFFD, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    if (spawnSync('docker', ['-H', `unix://${socket}`, 'version'], { encoding: 'utf8' }).status === 0) return { host: `unix://${socket}`, daemon };
    await new Promise((r) => setTimeout(r, 100));
  }
  daemon.kill();
  throw new Error('skiffd did not answer within 20 seconds');
}

/** The real docker CLI against skiffd, echoed as a user would type it (with DOCKER_HOST set). */
function docker(host: string, args: string[]): string {
  console.log(`  $ docker ${args.join(' ')}`);
  const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(tmpdir(), 'skiff-demo-docker') } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`docker ${args[0]} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  for (const line of r.stdout.trimEnd().split('\n')) console.log(`  ${line}`);
  return r.stdout;
}

/** Chapter 04's skiff against the same daemon, echoed the same way. */
function skiff(host: string, args: string[]): string {
  console.log(`  $ skiff ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [SKIFF, ...args], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: host } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`skiff ${args[0]} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  for (const line of r.stdout.trimEnd().split('\n')) console.log(`  ${line}`);
  return r.stdout;
}

/** Build, run and list through the daemon, then stop it with SIGTERM (its containers would live on). */
async function daemonDemo(workDir: string, context: string): Promise<void> {
  const { host, daemon } = await step({ title: 'Chapter 03: skiffd, the Docker Engine API on a unix socket', run: () => startSkiffd(workDir) });
  const stopped = new Promise((resolve) => daemon.once('exit', resolve));
  try {
    step({ title: 'The real docker CLI builds the hello image through skiffd', run: () => docker(host, ['build', '-q', '-t', 'hello', context]) });
    step({ title: 'and runs it', run: () => docker(host, ['run', '--name', 'hello-once', 'hello']) });
    step({ title: 'The daemon remembers the container', run: () => docker(host, ['ps', '-a']) });
    docker(host, ['rm', 'hello-once']);
    step({ title: "Chapter 04: skiff, the project's own client, builds and runs the same way", run: () => skiff(host, ['build', '-q', '-t', 'hello', context]) });
    step({ title: 'and runs it once, removed at its exit', run: () => skiff(host, ['run', '--rm', 'hello']) });
  } finally {
    console.log('  $ kill -TERM %1');
    daemon.kill('SIGTERM');
    await stopped;
  }
}
// #endregion skiffd-demo

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('demo: run as root (creating namespaces, mounts and cgroups needs it)');
    process.exit(1);
  }
  console.log('Skiff demo: a container is just a process, with its own view of the machine.');
  const workDir = mkdtempSync(join(tmpdir(), 'skiff-demo-'));
  try {
    const rootfs = step({ title: 'A root filesystem, made locally from busybox', run: () => prepareRootfs(workDir) });
    const inside = step({ title: 'A container running a shell that looks around', run: () => runContainer(rootfs) });
    step({ title: 'What it saw, and what the host sees', run: () => compareWithHost(inside) });
    console.log('\nThe same kernel, another view: PID 1, its own hostname, only loopback, its own mounts,');
    console.log('and a root user stripped of the capabilities that would let it change any of that.');
    console.log('Read how: chapters/01-namespaces/chapter.mdx');

    const engineRoot = join(workDir, 'skiff');
    const context = step({ title: 'Chapter 02: a Dockerfile for a hello-world image', run: () => prepareHelloContext(workDir, rootfs) });
    step({ title: 'Built into layers by skiff-engine', run: () => engine(engineRoot, ['build', '-t', 'hello', context]) });
    step({ title: 'Run as a container', run: () => engine(engineRoot, ['run', '--rm', 'hello']) });
    step({ title: 'Kept in an OCI image store', run: () => engine(engineRoot, ['images']) });
    console.log('\nAn image is a config and a stack of tar layers, named by their sha256; a container is');
    console.log('those layers mounted with overlayfs under one writable layer. Read how: chapters/02-images/chapter.mdx');

    if (spawnSync('docker', ['--version']).status === 0) {
      await daemonDemo(workDir, context);
      console.log('\nThe docker CLI never knew: it spoke the Engine API to skiffd, which built with chapter 02');
      console.log('and ran the container through a shim of its own. Read how: chapters/03-daemon/chapter.mdx');
      console.log('skiff speaks the same API from the other side. Read how: chapters/04-client/chapter.mdx');
    } else {
      console.log('\n(no docker CLI on this machine: the skiffd part of the demo is skipped)');
    }
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
