// A command line the runtime cannot parse is refused like any other bad
// input: one line, `skiff-runtime: ...`, naming the flag at fault, exit
// status 1 (runc's for a usage error), and no container state made.
// (`run --rootfs` and its flags are our runtime's own; runc has no equivalent.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeBusyboxRootfs } from '../helpers/rootfs.ts';
import { Lab, lines } from './helpers.ts';
import { hostMountsUnder } from './host.ts';

describe('command-line errors', () => {
  const lab = new Lab('cli-errors');
  let rootfs: string;
  before(() => {
    rootfs = makeBusyboxRootfs(join(lab.dir, 'rootfs'));
  });
  after(() => lab.close());

  const cases: { name: string; args: () => string[]; names: RegExp }[] = [
    { name: 'an unknown flag', args: () => ['run', '--rootfs', rootfs, '--bogus', '--', 'true'], names: /--bogus/ },
    { name: 'an unknown short flag', args: () => ['list', '-x'], names: /-x\b/ },
    { name: 'a negative --pids-limit, written as a separate word', args: () => ['run', '--rootfs', rootfs, '--pids-limit', '-5', '--', 'true'], names: /--pids-limit/ },
    { name: 'a negative --pids-limit, written with =', args: () => ['run', '--rootfs', rootfs, '--pids-limit=-5', '--', 'true'], names: /--pids-limit.*-5/ },
    { name: 'a --pids-limit of zero', args: () => ['run', '--rootfs', rootfs, '--pids-limit', '0', '--', 'true'], names: /--pids-limit.*"0"/ },
    { name: 'a --pids-limit that is not a number', args: () => ['run', '--rootfs', rootfs, '--pids-limit', 'abc', '--', 'true'], names: /--pids-limit.*abc/ },
    { name: 'a flag without its value', args: () => ['run', '--rootfs', rootfs, '--pids-limit'], names: /--pids-limit/ },
    { name: 'a short flag without its value', args: () => ['list', '-f'], names: /--format/ },
    { name: 'a missing container id', args: () => ['delete'], names: /container id/ },
    { name: 'a missing command', args: () => [], names: /command/ },
    { name: 'an unknown command', args: () => ['bogus'], names: /bogus/ },
    { name: 'an unknown global flag', args: () => ['--bogus', 'list'], names: /--bogus/ },
  ];

  for (const c of cases) {
    it(`${c.name}: one line, exit 1, nothing made`, () => {
      const r = lab.runtime(c.args());
      assert.equal(r.code, 1, `exit status: ${r.stderr}`);
      assert.equal(r.signal, null);
      const errorLines = lines(r.stderr);
      assert.equal(errorLines.length, 1, `one line on stderr: ${JSON.stringify(r.stderr)}`);
      assert.match(errorLines[0], /^skiff-runtime: /);
      assert.match(errorLines[0], c.names);
      assert.equal(r.stdout, '');
      assert.deepEqual(lab.stateEntries(), [], 'no state');
      assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount');
    });
  }
});
