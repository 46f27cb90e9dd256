// A bundle written by `runc spec`, with only the program and `terminal`
// changed, runs under our runtime exactly as it runs under runc: the same
// bytes on stdout and stderr, the same exit code. runc is the reference; each
// probe looks at one part of the container the spec describes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab, sameAsRunc, type Spec } from './helpers.ts';

interface Probe {
  name: string;
  script: string;
  /** A change to the spec beyond the program, for probes of one field (user, cwd...). */
  configure?: (spec: Spec) => void;
}

const probes: Probe[] = [
  {
    name: 'identity: pid, hostname, user, capabilities, no_new_privs, exit code',
    script: 'echo $$; hostname; id; grep Cap /proc/self/status; grep NoNewPrivs /proc/self/status; exit 3',
  },
  {
    name: 'environment, working directory, rlimits and umask',
    script: 'env | sort; pwd; ulimit -n; ulimit -Hn; umask',
  },
  {
    name: 'a non-root user with additional groups',
    script: 'id; grep -E "^(Cap|Groups)" /proc/self/status; touch /tmp/x 2>&1; exit 0',
    configure: (spec) => {
      spec.process.user = { uid: 65534, gid: 65534, additionalGids: [5, 100] };
    },
  },
  {
    name: 'working directory from the spec',
    script: 'pwd; ls',
    configure: (spec) => {
      spec.process.cwd = '/etc';
    },
  },
  {
    name: 'devices: the default set in /dev',
    script: 'ls -A /dev; for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done',
  },
  {
    name: 'mounts: mount points and filesystem types',
    // mountinfo: field 5 is the mount point; the type follows the " - " separator
    script: 'sed -E "s/^([^ ]+ ){4}([^ ]+) .* - ([^ ]+) .*/\\2 \\3/" /proc/self/mountinfo',
  },
  {
    name: 'read-only root, masked and read-only paths',
    script: 'touch /newfile 2>&1; wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l; echo 1 2>&1 > /proc/sys/kernel/domainname; echo $?',
  },
  {
    name: 'network: loopback only, up, with its address',
    script: 'ip addr; ping -c 1 -W 1 127.0.0.1 >/dev/null && echo loopback answers',
  },
];

describe('a `runc spec` bundle behaves the same under runc and under the runtime', () => {
  const lab = new Lab('runc-bundle');
  const runcRoot = join(lab.dir, 'runc-state');
  mkdirSync(runcRoot);
  after(() => lab.close());

  for (const probe of probes) {
    it(probe.name, () => {
      sameAsRunc(lab, runcRoot, lab.bundle(['sh', '-c', probe.script], probe.configure).dir);
    });
  }
});
