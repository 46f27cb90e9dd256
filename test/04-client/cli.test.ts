// skiff against the real docker CLI: the same command lines, from the same
// state, on the same daemon; stdout, stderr and the exit status must match
// once ids, times and sizes are made neutral. Every command of `skiff` is
// here at least once.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeTempDir } from '../helpers/rootfs.ts';
import { compare, type Scenario } from './differential.ts';
import { startTarget, type Target } from './target.ts';

let target: Target;
let work: string;

before(async () => {
  target = await startTarget();
  work = makeTempDir('skiff-cli-');
  writeFileSync(join(work, 'env.list'), '# a comment\nB=from-file\n\n');
  mkdirSync(join(work, 'shared'));
  writeFileSync(join(work, 'shared/hello.txt'), 'hello from the host\n');
  mkdirSync(join(work, 'ctx'));
  writeFileSync(join(work, 'ctx/Dockerfile'), 'FROM busybox\nARG WHO=nobody\nLABEL stage=test\nRUN echo "built for $WHO" > /greeting\nCMD ["cat", "/greeting"]\n');
  writeFileSync(join(work, 'ctx/.dockerignore'), 'secret.txt\n');
  writeFileSync(join(work, 'ctx/secret.txt'), 'never sent\n');
});
after(async () => {
  await target?.stop();
  if (work) removeTempDir(work);
});

const running = (name: string, ...command: string[]): string[] => ['run', '-d', '--name', name, 'busybox', ...(command.length ? command : ['sleep', '300'])];
const exited = (name: string, ...command: string[]): string[][] => [['run', '--name', name, 'busybox', ...(command.length ? command : ['sh', '-c', 'echo out; echo err >&2'])]];

const SCENARIOS: Scenario[] = [
  // system
  { name: 'version --format', command: '$CLI version --format "{{.Server.Version}} {{.Server.Os}}"', exact: true },
  { name: 'version (server part)', command: '$CLI version | sed -n "/^Server/,\\$p"' },
  { name: 'info --format', command: '$CLI info --format "{{.Containers}} {{.Images}} {{.OSType}} {{.Driver}}"', exact: true },
  // Runtimes is left out: the docker CLI prints a Go map, in no fixed order.
  { name: 'info (server part)', command: '$CLI info 2>/dev/null | sed -n "/^Server:/,/Kernel Version/p" | grep -v -e Plugins -e "  Volume" -e "  Network" -e "  Log:" -e "^  [a-z]" -e "^ Runtimes:"' },
  { name: 'system df', command: '$CLI system df' },
  { name: 'unknown command', command: '$CLI frobnicate' },
  { name: 'unknown flag', command: '$CLI ps --frobnicate' },
  { name: 'unknown shorthand flag', command: '$CLI run -Z busybox' },
  { name: 'flag without its value', command: '$CLI ps --filter' },
  { name: 'missing argument', command: '$CLI rm' },
  { name: 'one argument exactly', command: '$CLI logs' },
  { name: 'no arguments accepted', command: '$CLI ps extra' },
  { name: '--help: usage, summary, aliases', command: '$CLI ps --help | head -6; $CLI rm --help | head -6; $CLI container inspect --help | head -4', exact: true },
  // ps
  { name: 'ps, nothing running', command: '$CLI ps', exact: true },
  { name: 'ps with a running container', setup: [running('p1')], command: '$CLI ps', cleanup: { containers: ['p1'] } },
  { name: 'ps -a, an exited container', setup: exited('p2'), command: '$CLI ps -a', cleanup: { containers: ['p2'] } },
  { name: 'ps -q and --no-trunc', setup: [running('p3')], command: '$CLI ps -q | wc -c; $CLI ps -aq --no-trunc | wc -c', cleanup: { containers: ['p3'] }, exact: true },
  { name: 'ps --format template', setup: [running('p4'), ['create', '--name', 'p5', '-l', 'tier=web', 'busybox']], command: '$CLI ps -a --format "{{.Names}}\t{{.Image}}\t{{.State}}\t{{.Label \\"tier\\"}}\t{{.Command}}"', cleanup: { containers: ['p4', 'p5'] }, exact: true },
  { name: 'ps --format table', setup: [running('p6')], command: '$CLI ps --format "table {{.Names}}\t{{.Status}}"', cleanup: { containers: ['p6'] } },
  { name: 'ps --format json', setup: [running('p7')], command: '$CLI ps --format json', cleanup: { containers: ['p7'] } },
  { name: 'ps -s', setup: [running('p8')], command: '$CLI ps -s', cleanup: { containers: ['p8'] } },
  { name: 'ps --filter and -n', setup: [running('p9'), ...exited('p10')], command: '$CLI ps -a --filter status=exited --format "{{.Names}}"; $CLI ps -n 1 --format "{{.Names}}"', cleanup: { containers: ['p9', 'p10'] }, exact: true },
  { name: 'container ls (management form)', setup: [running('p11')], command: '$CLI container ls --format "{{.Names}}"; $CLI container list -q | wc -l', cleanup: { containers: ['p11'] }, exact: true },
  { name: 'ps --format with a field that is not there', command: '$CLI ps --format "{{.Nope}}"; echo "exit $?"', setup: [running('p12')], cleanup: { containers: ['p12'] }, normalize: (t) => t.replace(/template.*$/m, 'template error') },
  // run
  { name: 'run --rm echo', command: '$CLI run --rm busybox echo hi', exact: true },
  { name: 'run: stdout, stderr and the exit code', command: '$CLI run --rm busybox sh -c "echo out; echo err >&2; exit 3"', exact: true },
  { name: 'run -e --env-file -w -u --hostname', command: '$CLI run --rm -e A=1 --env-file env.list -w /tmp -u 1000 --hostname box busybox sh -c "echo $A $B; pwd; id -u; id -g; hostname"'.replace('$A $B', '\\$A \\$B'), exact: true },
  { name: 'run --entrypoint', command: '$CLI run --rm --entrypoint echo busybox from entrypoint', exact: true },
  { name: 'run -d --name, then logs', command: '$CLI run -d --name r1 busybox sh -c "echo started" | wc -c; $CLI wait r1; $CLI logs r1', cleanup: { containers: ['r1'] }, exact: true },
  { name: 'run -i with stdin', command: '$CLI run -i --rm busybox sh -c "cat; echo done"', input: 'line one\nline two\n', exact: true },
  { name: 'run a command that is not there', command: '$CLI run --rm busybox no-such-command', normalize: (t) => t.replace(/Error response from daemon: .*/, 'Error response from daemon: <start failed>') },
  { name: 'run an image that is not there', command: '$CLI run --rm no-such-image:1 true', normalize: (t) => t.replace(/(pull access denied|Get "https|dial).*$/m, '<registry unreachable>') },
  { name: 'run with a bad --memory', command: '$CLI run --rm --memory lots busybox true' },
  { name: 'run --restart with --rm', command: '$CLI run --rm --restart always busybox true' },
  { name: 'run with limits, labels, read-only', command: '$CLI run --name r2 --memory 64m --cpus 0.5 --pids-limit 20 --read-only -l a=b --restart on-failure:2 busybox sh -c "touch /x || echo read-only"; $CLI inspect -f "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.ReadonlyRootfs}} {{.Config.Labels}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}" r2', cleanup: { containers: ['r2'] }, normalize: (t) => t.replace(/touch: \/x: Read-only file system\n/, '') },
  { name: 'run -v and --mount', command: '$CLI run --rm -v "$PWD/shared:/mnt:ro" busybox cat /mnt/hello.txt; $CLI run --rm --mount "type=bind,source=$PWD/shared,target=/data,readonly" busybox sh -c "cat /data/hello.txt; touch /data/x 2>/dev/null || echo cannot-write"', exact: true },
  { name: 'container run (management form)', command: '$CLI container run --rm busybox echo managed', exact: true },
  // create, start, attach-less lifecycle
  { name: 'create and run -d: the streams and stdin they record', command: 'for f in "" "-i" "-it" "-a stderr"; do $CLI create --name cs $f busybox >/dev/null; $CLI inspect -f "{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.AttachStderr}} {{.Config.OpenStdin}} {{.Config.StdinOnce}} {{.Config.Tty}}" cs; $CLI rm cs >/dev/null; done; $CLI run -d -i --name cs busybox cat >/dev/null; $CLI inspect -f "{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.OpenStdin}} {{.Config.StdinOnce}}" cs', cleanup: { containers: ['cs'] }, exact: true },
  { name: 'create then start -a', command: '$CLI create --name c1 busybox echo created | wc -c; $CLI start -a c1; echo "exit $?"', cleanup: { containers: ['c1'] }, exact: true },
  { name: 'start, wait', setup: [['create', '--name', 'c2', 'busybox', 'sh', '-c', 'exit 4']], command: '$CLI start c2; $CLI wait c2', cleanup: { containers: ['c2'] }, exact: true },
  { name: 'start a container that is not there', command: '$CLI start nope-c' },
  { name: 'stop, stop -t, and one that is not there', setup: [running('c3')], command: '$CLI stop -t 1 c3 nope-c; echo "exit $?"; $CLI inspect -f "{{.State.Status}} {{.State.ExitCode}}" c3', cleanup: { containers: ['c3'] } },
  { name: 'kill, kill -s, kill a stopped container', setup: [running('c4'), ...exited('c5')], command: '$CLI kill -s KILL c4; $CLI kill c5; echo "exit $?"', cleanup: { containers: ['c4', 'c5'] } },
  { name: 'restart', setup: [running('c6')], command: '$CLI restart -t 1 c6; $CLI inspect -f "{{.State.Running}} {{.RestartCount}}" c6', cleanup: { containers: ['c6'] }, exact: true },
  { name: 'rm: stopped, running, -f, missing', setup: [...exited('c7'), running('c8')], command: '$CLI rm c7; $CLI rm c8; echo "exit $?"; $CLI rm -f c8; $CLI container rm nope-c', cleanup: { containers: ['c7', 'c8'] } },
  { name: 'pause and unpause', setup: [running('c9')], command: '$CLI pause c9; $CLI ps --format "{{.Status}}" | sed "s/Up [^(]*//"; $CLI unpause c9; $CLI inspect -f "{{.State.Paused}}" c9', cleanup: { containers: ['c9'] } },
  { name: 'rename', setup: [running('c10')], command: '$CLI rename c10 c10-renamed; $CLI ps --format "{{.Names}}"; $CLI rename nope-c x', cleanup: { containers: ['c10', 'c10-renamed'] } },
  { name: 'update', setup: [running('c11')], command: '$CLI update --memory 32m --memory-swap 64m c11; $CLI inspect -f "{{.HostConfig.Memory}}" c11', cleanup: { containers: ['c11'] }, exact: true },
  // logs, exec, top, stats, diff, port, cp, export
  { name: 'logs, --tail, -t', setup: exited('l1', 'sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three'), command: '$CLI logs l1; $CLI logs --tail 1 l1; $CLI logs -t l1', cleanup: { containers: ['l1'] } },
  { name: 'logs -f until the container exits', setup: [running('l2', 'sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.2; done')], command: '$CLI logs -f l2', cleanup: { containers: ['l2'] }, exact: true },
  { name: 'logs of a container that is not there', command: '$CLI logs nope-c' },
  { name: 'exec: output, -e -u -w, exit code', setup: [running('e1')], command: '$CLI exec -e X=1 -u 1000 -w /tmp e1 sh -c "echo \\$X; id -u; pwd; exit 5"; echo "exit $?"', cleanup: { containers: ['e1'] }, exact: true },
  { name: 'exec -i with stdin', setup: [running('e2')], command: '$CLI exec -i e2 sh -c "cat | wc -l"', input: 'a\nb\nc\n', cleanup: { containers: ['e2'] }, exact: true },
  { name: 'exec a command that is not there', setup: [running('e3')], command: '$CLI exec e3 no-such-command; echo "exit $?"', cleanup: { containers: ['e3'] } },
  { name: 'exec -d, and into a stopped container', setup: [running('e4'), ...exited('e5')], command: '$CLI exec -d e4 sh -c "echo bg > /tmp/bg"; sleep 0.5; $CLI exec e4 cat /tmp/bg; $CLI exec e5 true', cleanup: { containers: ['e4', 'e5'] } },
  { name: 'inspect: format, type, size, missing', setup: [running('i1')], command: '$CLI inspect -f "{{.Name}} {{.State.Status}} {{.Config.Image}} {{json .Config.Cmd}}" i1; $CLI inspect --type image -f "{{.Os}} {{len .RootFS.Layers}}" busybox; $CLI container inspect -f "{{.Name}}" i1; $CLI inspect nope-x; echo "exit $?"', cleanup: { containers: ['i1'] } },
  { name: 'inspect, whole document', setup: [['create', '--name', 'i2', 'busybox', 'true']], command: '$CLI inspect i2', cleanup: { containers: ['i2'] } },
  { name: 'top', setup: [running('t1')], command: '$CLI top t1 | head -1; $CLI top t1 | wc -l', cleanup: { containers: ['t1'] } },
  { name: 'stats --no-stream', setup: [running('s1')], command: '$CLI stats --no-stream --format "{{.Name}} {{.PIDs}}" s1; $CLI stats --no-stream s1 | head -1', cleanup: { containers: ['s1'] } },
  { name: 'diff', setup: exited('d1', 'sh', '-c', 'mkdir /made; echo x > /made/file; rm /bin/vi'), command: '$CLI diff d1 | sort', cleanup: { containers: ['d1'] }, exact: true },
  { name: 'port, none published', setup: [running('o1')], command: '$CLI port o1; echo "exit $?"', cleanup: { containers: ['o1'] }, exact: true },
  { name: 'cp both ways', setup: [running('k1')], command: 'rm -rf out; mkdir out; $CLI cp shared/hello.txt k1:/tmp/copied.txt; $CLI exec k1 cat /tmp/copied.txt; $CLI cp k1:/etc/passwd out/passwd; cat out/passwd; $CLI cp k1:/etc out/; ls out/etc | head -3; $CLI cp k1:/nope out/ ; echo "exit $?"', cleanup: { containers: ['k1'] } },
  { name: 'export', setup: [['create', '--name', 'x1', 'busybox']], command: '$CLI export x1 | tar -t | grep -c "bin/busybox"; $CLI export -o x1.tar x1; tar -tf x1.tar | grep -c "^etc/passwd"', cleanup: { containers: ['x1'] }, exact: true },
  { name: 'save and export -o: only a regular file is replaced, written whole', setup: [['create', '--name', 'x2', 'busybox']], command: 'rm -rf odd; mkdir odd; mknod odd/null c 1 3; mkfifo odd/fifo; ln -s elsewhere.tar odd/link; for o in odd/null odd/fifo odd/link odd nodir/x.tar; do $CLI save -o $o busybox; echo "exit $?"; $CLI export -o $o x2; echo "exit $?"; done; ls -F odd; $CLI save -o odd/ok.tar busybox && stat -c %a odd/ok.tar && tar -tf odd/ok.tar | grep -c manifest.json; ls -A odd', cleanup: { containers: ['x2'] }, exact: true },
  { name: 'container prune -f', setup: exited('q1'), command: '$CLI container prune -f', cleanup: { containers: ['q1'] } },
  // images
  { name: 'images', command: '$CLI images' },
  { name: 'images -q, a reference, --format', command: '$CLI images -q | wc -c; $CLI images busybox --format "{{.Repository}}:{{.Tag}}"; $CLI image ls --format json | wc -l', exact: true },
  { name: 'tag, then rmi', command: '$CLI tag busybox cli/tagged:v1; $CLI images cli/tagged --format "{{.Repository}} {{.Tag}}" | sort; $CLI rmi cli/tagged:v1; $CLI rmi nope-image:1; echo "exit $?"', cleanup: { images: ['cli/tagged:v1'] } },
  { name: 'history', command: '$CLI history busybox' },
  { name: 'history --format', command: '$CLI history --format "{{.CreatedBy}}|{{.Comment}}" busybox', exact: true },
  { name: 'save and load', command: '$CLI tag busybox cli/saved:1 && $CLI save -o saved.tar cli/saved:1 && $CLI rmi cli/saved:1 >/dev/null && $CLI load -i saved.tar && $CLI save cli/saved:1 | $CLI load -q', cleanup: { images: ['cli/saved:1'] } },
  { name: 'import and export', setup: [['create', '--name', 'm1', 'busybox']], command: '$CLI export m1 | $CLI import -c "CMD [\\"echo\\", \\"imported\\"]" - cli/imported:1 | wc -c; $CLI run --rm cli/imported:1', cleanup: { containers: ['m1'], images: ['cli/imported:1'] }, exact: true },
  { name: 'commit', setup: exited('m2', 'sh', '-c', 'echo committed > /note'), command: '$CLI commit -c "CMD [\\"cat\\", \\"/note\\"]" m2 cli/committed:1 | wc -c; $CLI run --rm cli/committed:1', cleanup: { containers: ['m2'], images: ['cli/committed:1'] }, exact: true },
  { name: 'build -t --build-arg --label', command: '$CLI build -t cli/built:1 --build-arg WHO=skiff --label extra=yes ctx; $CLI run --rm cli/built:1; $CLI inspect -f "{{.Config.Labels}}" cli/built:1', cleanup: { images: ['cli/built:1'] }, ignoreStderr: true, normalize: (t) => t.replace(/ ---> Running in <ID12>\n/g, '').replace(/Removing intermediate container <ID12>\n/g, '') },
  { name: 'build -q, --no-cache, -f', command: 'cp ctx/Dockerfile ctx/Other.Dockerfile; $CLI build -q --no-cache -f ctx/Other.Dockerfile -t cli/built:2 ctx | wc -c', cleanup: { images: ['cli/built:2'] }, ignoreStderr: true, exact: true },
  { name: 'image prune -f', command: '$CLI image prune -f' },
  { name: 'system prune -f', setup: exited('q2'), command: '$CLI system prune -f', cleanup: { containers: ['q2'] } },
  // events
  { name: 'events --since --until --filter', command: 'start=$(date +%s); $CLI run --rm --name ev1 busybox true; sleep 1; $CLI events --since $start --until $(date +%s) --filter container=ev1 --format "{{.Type}} {{.Action}}"', exact: true },
  { name: 'events, default format', command: 'start=$(date +%s); $CLI create --name ev2 busybox >/dev/null; $CLI rm ev2 >/dev/null; sleep 1; $CLI events --since $start --until $(date +%s) --filter container=ev2', cleanup: { containers: ['ev2'] } },
];

describe(`skiff and docker, side by side (${process.env.SKIFF_CLIENT_TARGET ?? 'dockerd'})`, () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const { docker, skiff } = compare(target, scenario, work);
      assert.deepEqual(skiff, docker, `$ ${scenario.command}`);
    });
  }
});
