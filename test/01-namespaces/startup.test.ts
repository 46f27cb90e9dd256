// What the runtime's init is made of, seen from the host while it waits for
// `start`: the bundled init (one CommonJS file, bundle-processes.ts), started
// with an empty environment, so that nothing the caller's Node reads before
// its first line (NODE_EXTRA_CA_CERTS, NODE_OPTIONS) is paid a second time.
// How fast that is, bench/runtime-start.ts measures; here only what runs.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Lab } from './helpers.ts';

describe('start-up', () => {
  const lab = new Lab('startup');
  after(() => lab.close());

  it('spawns the bundled init with an empty environment, whatever the caller has', () => {
    const bundle = lab.bundle(['true']);
    const id = lab.newId('lean');
    const pidFile = join(lab.dir, 'init.pid');
    const certs = join(lab.dir, 'extra-certs.pem');
    writeFileSync(certs, ''); // Node warns that it holds no certificate, and goes on
    const saved = { ...process.env };
    Object.assign(process.env, { NODE_EXTRA_CA_CERTS: certs, NODE_OPTIONS: '--no-deprecation' });
    delete process.env.SKIFF_TRACE;
    let created;
    try {
      created = lab.runtimeDetached(['create', id, '--bundle', bundle.dir, '--pid-file', pidFile], 'create');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
    assert.equal(created.code, 0, created.stderr);

    // Until `start`, init is the Node process the runtime spawned.
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    assert.equal(argv.length, 2, `node and one file: ${argv.join(' ')}`);
    assert.equal(argv[0], process.execPath);
    assert.match(argv[1]!, /\/init\.cjs$/);
    assert.equal(readFileSync(`/proc/${pid}/environ`, 'utf8'), '', 'init starts with no environment at all');
  });
});
