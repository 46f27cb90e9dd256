// process.oomScoreAdj: how eagerly the OOM killer picks the container's
// processes (man 5 proc, /proc/pid/oom_score_adj). Init sets it before
// execve; the program and its children inherit it. (Only values above the
// host's are used: lowering one needs CAP_SYS_RESOURCE, which a test host
// running inside a sandbox may not have.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from './helpers.ts';

describe('process.oomScoreAdj', () => {
  const lab = new Lab('oom-score');
  after(() => lab.close());

  for (const score of [300, 1000]) {
    it(`is ${score} for PID 1 and its children, inside and seen from the host`, async () => {
      const id = lab.newId('oom');
      const bundle = lab.bundle(['sh', '-c', 'cat /proc/1/oom_score_adj; sh -c "cat /proc/self/oom_score_adj"; exec sleep 1000'], (spec) => {
        spec.process.oomScoreAdj = score;
      });
      const pid = lab.startDetached(id, bundle);
      assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), String(score), 'the host sees it on the container process');
      for (const deadline = Date.now() + 20_000; lab.output(id).stdout.split('\n').length < 3 && Date.now() < deadline; ) await sleep(20);
      assert.equal(lab.output(id).stdout, `${score}\n${score}\n`, 'PID 1 and a child see it inside');
      assert.equal(lab.runtime(['delete', '--force', id]).code, 0);
    });
  }
});
