// linux.sysctl: kernel settings written inside the container. A setting
// that belongs to one of the container's own namespaces (net.* to its
// network namespace) applies there and only there; one that is global to
// the machine is refused before anything is made, so the host never changes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Lab, lines, type ContainerId } from './helpers.ts';
import { cgroupDirsNamed, hostMountsUnder } from './host.ts';

const hostValue = (key: string) => readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim();

/** A value for an integer sysctl that differs from the host's, so that a change cannot go unseen. */
const otherThan = (value: string) => (value === '1' ? '0' : '1');

function assertNothingLeft(lab: Lab, id: ContainerId): void {
  assert.deepEqual(lab.stateEntries(), [], 'no state');
  assert.deepEqual(cgroupDirsNamed(id), [], 'no cgroup');
  assert.deepEqual(hostMountsUnder(lab.dir), [], 'no mount');
}

describe('linux.sysctl', () => {
  const lab = new Lab('sysctl');
  after(() => lab.close());

  it('sets a network setting in the container only (net.ipv4.ip_forward)', () => {
    const before = hostValue('net.ipv4.ip_forward');
    const wanted = otherThan(before);
    const bundle = lab.bundle(['cat', '/proc/sys/net/ipv4/ip_forward'], (spec) => {
      spec.linux.sysctl = { 'net.ipv4.ip_forward': wanted };
    });
    const r = lab.runtime(['run', lab.newId('net'), '--bundle', bundle.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${wanted}\n`, 'the container sees its value');
    assert.equal(hostValue('net.ipv4.ip_forward'), before, "the host's is unchanged");
  });

  it('refuses a setting that is global to the machine (vm.swappiness), leaving nothing behind', () => {
    const before = hostValue('vm.swappiness');
    const id = lab.newId('global');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.linux.sysctl = { 'vm.swappiness': before === '10' ? '20' : '10' };
    });
    const r = lab.runtime(['run', id, '--bundle', bundle.dir]);
    assert.notEqual(r.code, 0);
    assert.equal(lines(r.stderr).length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /vm\.swappiness/);
    assert.equal(hostValue('vm.swappiness'), before, "the host's is unchanged");
    assertNothingLeft(lab, id);
  });

  it('refuses a network setting when the container shares the host network', () => {
    const before = hostValue('net.ipv4.ip_forward');
    const id = lab.newId('sharednet');
    const bundle = lab.bundle(['true'], (spec) => {
      spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
      spec.linux.sysctl = { 'net.ipv4.ip_forward': otherThan(before) };
    });
    const r = lab.runtime(['run', id, '--bundle', bundle.dir]);
    assert.notEqual(r.code, 0);
    assert.equal(lines(r.stderr).length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, /net\.ipv4\.ip_forward/);
    assert.equal(hostValue('net.ipv4.ip_forward'), before, "the host's is unchanged");
    assertNothingLeft(lab, id);
  });
});
