// build-stages.ts — a Dockerfile as stages, and which of them a build needs (Dockerfile reference, "Multi-stage builds").

import { DockerfileError, expandWord, splitWords, type Instruction, type Vars } from './dockerfile.js';

// #region stage
/** One stage: its FROM, what it starts from, and the instructions after it. */
export interface Stage {
  /** Position among the stages, 0 first: what `COPY --from=0` names. */
  index: number;
  /** The `AS` name, lower-cased as Docker keeps it. */
  name?: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface StagedDockerfile {
  /** The ARGs before the first FROM. */
  globalArgs: Instruction[];
  stages: Stage[];
}

/** Docker's rule for a stage name (moby `instructions/parse.go`). */
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
// #endregion stage

// #region split-stages
/** Cuts the instructions at each FROM; refuses a malformed FROM line or a stage name used twice. */
export function splitStages(instructions: Instruction[]): StagedDockerfile {
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  const staged: StagedDockerfile = { globalArgs: instructions.slice(0, firstFrom), stages: [] };
  for (const ins of instructions.slice(firstFrom)) {
    if (ins.keyword !== 'FROM') {
      staged.stages.at(-1)!.instructions.push(ins);
      continue;
    }
    const name = stageName(ins);
    if (name !== undefined && staged.stages.some((s) => s.name === name)) {
      throw new DockerfileError(ins.line, 'a stage name already used');
    }
    staged.stages.push({ index: staged.stages.length, name, from: ins, instructions: [] });
  }
  return staged;
}

/** `FROM image` or `FROM image AS name`: the name, if any. */
function stageName(from: Instruction): string | undefined {
  const words = from.args.split(/\s+/);
  if (words.length !== 1 && (words.length !== 3 || words[1].toLowerCase() !== 'as')) {
    throw new DockerfileError(from.line, 'FROM requires either one or three arguments');
  }
  if (words.length === 1) return undefined;
  if (!STAGE_NAME.test(words[2].toLowerCase())) {
    throw new DockerfileError(from.line, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
  }
  return words[2].toLowerCase();
}
// #endregion split-stages

// #region stage-refs
/** What a FROM line starts from, its variables replaced by the global ARGs. */
export function baseName(from: Instruction, globalVars: Vars): string {
  return expandWord(splitWords(from.args, globalVars)[0] ?? '', globalVars);
}

/** The earlier stage a FROM names, if it names one (a stage name wins over an image of that name). */
export function baseStage(stages: readonly Stage[], stage: Stage, globalVars: Vars): Stage | undefined {
  const name = baseName(stage.from, globalVars).toLowerCase();
  return stages.find((s) => s.index < stage.index && s.name === name);
}

/**
 * The earlier stage `COPY --from=VALUE` names in `stage`, or undefined for an
 * image reference. A number is a position and must be an earlier stage; a
 * name is looked up among the earlier stages only, as the legacy builder
 * does, so any other word is an image.
 */
export function fromStage(stages: readonly Stage[], stage: Stage, copy: Instruction): Stage | undefined {
  const value = copy.flags.from;
  if (/^-?\d+$/.test(value)) {
    const index = Number(value);
    const problem = index === stage.index ? 'refers to current build stage' : index < 0 || index > stage.index ? 'index out of bounds' : '';
    if (problem) throw new DockerfileError(copy.line, `invalid from flag value ${value}: ${problem}`);
    return stages[index];
  }
  return stages.find((s) => s.index < stage.index && s.name === value.toLowerCase());
}
// #endregion stage-refs

// #region needed-stages
/**
 * The stages a build of `target` runs: the target, and every stage it
 * starts from or copies from, followed back. The legacy builder runs every
 * stage up to the target; BuildKit runs only these, and so does Skiff, so
 * a test stage nobody asked for costs nothing. (ONBUILD triggers, known
 * only once a base image is open, may name another stage: the builder then
 * builds that one when it is asked for.)
 */
export function neededStages(stages: readonly Stage[], target: Stage, globalVars: Vars): Set<number> {
  const needed = new Set<number>();
  const visit = (stage: Stage): void => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const base = baseStage(stages, stage, globalVars);
    if (base) visit(base);
    for (const ins of stage.instructions) {
      const source = ins.keyword === 'COPY' && ins.flags.from ? fromStage(stages, stage, ins) : undefined;
      if (source) visit(source);
    }
  };
  visit(target);
  return needed;
}

/** `--target NAME`, or the last stage; Docker's message when no stage has that name. */
export function targetStage(stages: readonly Stage[], target: string | undefined): Stage {
  if (target === undefined) return stages.at(-1)!;
  const stage = stages.find((s) => s.name === target.toLowerCase());
  if (!stage) throw new Error(`failed to reach build target ${target} in Dockerfile`);
  return stage;
}
// #endregion needed-stages
