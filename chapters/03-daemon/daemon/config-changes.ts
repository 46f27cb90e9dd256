// config-changes.ts — `import --change` and `commit --change`: Dockerfile lines applied to a config.
//
// `docker import -c 'CMD ["cat", "/x"]'` and `docker commit -c 'ENV A=1'`
// edit the new image's config with Dockerfile instructions — only those
// that touch the config, as moby's BuildFromConfig allows — and record no
// history row for them. The lines are read by chapter 02's Dockerfile
// parser; applying them is a handful of assignments.

import { InvalidArgumentError } from '../../01-namespaces/index.js';
import { DockerfileError, keyValues, parseDockerfile, splitWords, type ContainerConfig, type Instruction } from '../../02-images/index.js';

// #region config-changes
const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  if (changes.length === 0) return config;
  let instructions: Instruction[];
  try {
    instructions = parseDockerfile(`FROM scratch\n${changes.join('\n')}`).slice(1);
  } catch (err) {
    if (err instanceof DockerfileError) throw new InvalidArgumentError(err.message.replace(/^Dockerfile line \d+: /, ''));
    throw err;
  }
  const out = structuredClone(config);
  const vars = new Map((out.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const shellForm = (ins: Instruction) => ins.json ?? ['/bin/sh', '-c', ins.args];
  for (const ins of instructions) {
    if (!ALLOWED.includes(ins.keyword)) throw new InvalidArgumentError(`${ins.keyword} is not a valid change command`);
    switch (ins.keyword) {
      case 'CMD': out.Cmd = shellForm(ins); break;
      case 'ENTRYPOINT': out.Entrypoint = shellForm(ins); break;
      case 'ENV':
        for (const [k, v] of keyValues(ins, vars)) vars.set(k, v);
        out.Env = [...vars].map(([k, v]) => `${k}=${v}`);
        break;
      case 'LABEL': out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(keyValues(ins, vars)) }; break;
      case 'EXPOSE': out.ExposedPorts = { ...(out.ExposedPorts ?? {}), ...Object.fromEntries(splitWords(ins.args, vars).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) }; break;
      case 'VOLUME': out.Volumes = { ...(out.Volumes ?? {}), ...Object.fromEntries((ins.json ?? splitWords(ins.args, vars)).map((p) => [p, {}])) }; break;
      case 'STOPSIGNAL': out.StopSignal = ins.args; break;
      case 'USER': out.User = ins.args; break;
      case 'WORKDIR': out.WorkingDir = ins.args; break;
    }
  }
  return out;
}
// #endregion config-changes
