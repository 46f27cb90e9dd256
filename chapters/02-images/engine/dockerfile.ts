// dockerfile.ts — reading a Dockerfile into instructions that remember their line (Dockerfile reference, "Format").

import { parseHealthcheck, type Healthcheck } from './healthcheck.js';

import { InvalidArgumentError } from '../../01-namespaces/index.js';

// #region instruction
/** The instructions this builder understands, in the Dockerfile reference's words. */
export const KEYWORDS = [
  'FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'WORKDIR', 'USER',
  'CMD', 'ENTRYPOINT', 'LABEL', 'EXPOSE', 'VOLUME', 'SHELL', 'STOPSIGNAL', 'MAINTAINER',
  'HEALTHCHECK', 'ONBUILD',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export interface Instruction {
  /** Upper-case keyword: `RUN`. */
  keyword: Keyword;
  /** Line (1-based) where the instruction starts. */
  line: number;
  /** Leading `--name=value` flags (COPY --chown=1:1, COPY --from=builder). */
  flags: Record<string, string>;
  /** The arguments after the flags, continuation lines joined with a space. */
  args: string;
  /** The exec form, when the arguments are a JSON array of strings. */
  json?: string[];
  /** HEALTHCHECK's arguments, read (healthcheck.ts). */
  healthcheck?: Healthcheck;
  /** The instruction as written, on one line: `RUN echo hi`. */
  text: string;
}

/** A problem in the Dockerfile itself, named by its line. */
export class DockerfileError extends InvalidArgumentError {
  constructor(readonly line: number, message: string) {
    super(`Dockerfile line ${line}: ${message}`);
  }
}
// #endregion instruction

// #region logical-lines
interface LogicalLine { line: number; text: string }

/**
 * Joins continued lines and drops comments and blank lines. A comment or a
 * blank line inside a continuation is skipped without ending it, and the
 * next line is appended as it is, indentation and all, after the backslash
 * (and any spaces after it) is cut: `RUN echo a\` then `b` is `echo ab`,
 * as Docker's parser reads it.
 */
function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  for (const [index, raw] of source.replace(/\r\n/g, '\n').split('\n').entries()) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed === '') continue;
    const continuation = /\\[ \t]*$/.exec(raw);
    const piece = continuation ? raw.slice(0, continuation.index) : raw;
    current = current ? { line: current.line, text: current.text + piece } : { line: index + 1, text: piece };
    if (!continuation) {
      out.push({ line: current.line, text: current.text.trim() });
      current = null;
    }
  }
  if (current) out.push({ line: current.line, text: current.text.trim() });
  return out;
}
// #endregion logical-lines

// #region parse
/**
 * Parses a Dockerfile into instructions; throws DockerfileError naming the
 * line. A file with none gives an empty list: the builder refuses it, with
 * the file's name in Docker's message.
 */
export function parseDockerfile(source: string): Instruction[] {
  const instructions = logicalLines(source).map(({ line, text }) => parseInstruction(line, text));
  const first = instructions.find((i) => i.keyword !== 'ARG');
  if (first && first.keyword !== 'FROM') {
    throw new DockerfileError(first.line, `no build stage in current context: the first instruction must be FROM, not ${first.keyword}`);
  }
  return instructions;
}

/** One logical line as an instruction. */
function parseInstruction(line: number, text: string): Instruction {
  const [, word, after] = /^(\S+)\s*(.*)$/s.exec(text)!;
  const keyword = word.toUpperCase() as Keyword;
  if (!KEYWORDS.includes(keyword)) throw new DockerfileError(line, `unknown instruction: ${word}`);
  const { flags, rest } = takeFlags(keyword, line, after);
  if (rest === '' && keyword !== 'RUN' && keyword !== 'CMD' && keyword !== 'ENTRYPOINT') {
    const howMany = keyword === 'STOPSIGNAL' ? 'exactly one argument' : 'at least one argument';
    throw new DockerfileError(line, `${keyword} requires ${howMany}`);
  }
  if (keyword === 'ONBUILD') checkTrigger(line, rest);
  const instruction: Instruction = { keyword, line, flags, args: rest, json: execForm(rest), text: `${keyword} ${after}`.trim() };
  if (keyword === 'HEALTHCHECK') instruction.healthcheck = healthcheckOf(instruction);
  return instruction;
}
// #endregion parse

// #region exec-form
/** The exec form: a JSON array of strings. Anything else is the shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // Not JSON: Docker then treats the text as the shell form, and so do we.
  }
  return undefined;
}
// #endregion exec-form

// #region parse-healthcheck
/** HEALTHCHECK is checked while parsing, as Docker does, so a bad one fails before any step runs. */
function healthcheckOf({ line, flags, args }: Instruction): Healthcheck {
  const cmd = /^\S+\s*(.*)$/s.exec(args)![1];
  try {
    return parseHealthcheck(flags, args, execForm(cmd));
  } catch (err) {
    throw new DockerfileError(line, (err as Error).message);
  }
}
// #endregion parse-healthcheck

// #region flags
/** The `--name=value` flags each instruction takes (the legacy builder's); any other is refused, never ignored. */
const FLAGS: Partial<Record<Keyword, readonly string[]>> = {
  FROM: ['platform'],
  COPY: ['chown', 'from'],
  ADD: ['chown'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'retries'],
};

/** Splits leading `--name=value` flags off the arguments, in Docker's words when one is wrong. */
function takeFlags(keyword: Keyword, line: number, args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([^\s=]+)(=\S*)?\s*/.exec(rest); m; m = /^--([^\s=]+)(=\S*)?\s*/.exec(rest)) {
    const [whole, name, value] = m;
    if (!FLAGS[keyword]?.includes(name)) throw new DockerfileError(line, `Unknown flag: ${name}`);
    if (name in flags) throw new DockerfileError(line, `Duplicate flag specified: ${name}`);
    if (value === undefined) throw new DockerfileError(line, `Missing a value on flag: ${name}`);
    flags[name] = value.slice(1);
    rest = rest.slice(whole.length);
  }
  return { flags, rest: rest.trim() };
}
// #endregion flags

// #region onbuild-trigger
/**
 * An ONBUILD trigger is stored as text and parsed only when an image built
 * FROM this one fires it (an unknown instruction fails then, as in Docker).
 * Three triggers are refused at once, and again when they fire: one that
 * would start another image (FROM), one that sets the author (MAINTAINER),
 * and another ONBUILD.
 */
export function parseTrigger(line: number, trigger: string): Instruction {
  checkTrigger(line, trigger);
  return parseInstruction(line, trigger);
}

function checkTrigger(line: number, trigger: string): void {
  const keyword = trigger.split(/\s/, 1)[0].toUpperCase();
  if (keyword === 'ONBUILD') throw new DockerfileError(line, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') throw new DockerfileError(line, `${keyword} isn't allowed as an ONBUILD trigger`);
}
// #endregion onbuild-trigger

// #region words
/** Variables visible to substitution: the ARGs in scope, then ENV over them. */
export type Vars = ReadonlyMap<string, string>;

/**
 * Splits arguments into words the way Docker's shell lexer does for ENV,
 * LABEL, COPY and friends: whitespace separates words, quotes group and are
 * removed, a backslash escapes the next character, and `$NAME`, `${NAME}`,
 * `${NAME:-default}` and `${NAME:+alternative}` are replaced (not inside
 * single quotes).
 */
export function splitWords(input: string, vars: Vars): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const expandAt = (): void => {
    const { value, next } = expandVariable(input, i, vars);
    word += value;
    inWord = true;
    i = next;
  };
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === '\\' && i + 1 < input.length) {
      word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new InvalidArgumentError('unexpected end of statement while looking for matching single-quote');
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      // #endregion words
      // #region words-quoted
    } else if (ch === '"') {
      inWord = true;
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length && '"$\\'.includes(input[i + 1])) {
          word += input[i + 1];
          i += 2;
        } else if (input[i] === '$') {
          expandAt();
        } else {
          word += input[i++];
        }
      }
      if (i >= input.length) throw new InvalidArgumentError('unexpected end of statement while looking for matching double-quote');
      i++;
    } else if (ch === '$') {
      expandAt();
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
// #endregion words-quoted

// #region expand
/** Substitutes variables in a single word (WORKDIR, USER, exec-form COPY). */
export function expandWord(input: string, vars: Vars): string {
  let out = '';
  for (let i = 0; i < input.length; ) {
    if (input[i] === '\\' && input[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (input[i] === '$') {
      const { value, next } = expandVariable(input, i, vars);
      out += value;
      i = next;
    } else {
      out += input[i++];
    }
  }
  return out;
}

/** Reads `$NAME` or `${NAME...}` at `start` (which holds the `$`). */
function expandVariable(input: string, start: number, vars: Vars): { value: string; next: number } {
  if (input[start + 1] === '{') {
    const end = input.indexOf('}', start + 2);
    if (end < 0) throw new InvalidArgumentError(`missing '}' in ${JSON.stringify(input)}`);
    const body = input.slice(start + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])(.*))?$/s.exec(body);
    if (!m) throw new InvalidArgumentError(`bad substitution: \${${body}}`);
    const [, name, op, operand] = m;
    const value = vars.get(name);
    if (op === '-') return { value: value ? value : expandWord(operand, vars), next: end + 1 };
    if (op === '+') return { value: value ? expandWord(operand, vars) : '', next: end + 1 };
    return { value: value ?? '', next: end + 1 };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(start + 1));
  if (!m) return { value: '$', next: start + 1 };
  return { value: vars.get(m[0]) ?? '', next: start + 1 + m[0].length };
}
// #endregion expand

// #region key-values
/**
 * ENV, LABEL and ARG take `key=value` pairs. ENV and LABEL also accept the
 * old form `ENV key value with spaces`, where the rest of the line is the value.
 */
export function keyValues(instruction: Instruction, vars: Vars): Array<[string, string]> {
  const words = splitWords(instruction.args, vars);
  if (words.length > 0 && !words[0].includes('=')) {
    if (instruction.keyword === 'ARG') return words.map((w) => [w, ''] as [string, string]);
    const [key] = words;
    const value = instruction.args.slice(instruction.args.indexOf(key) + key.length).trim();
    if (!value) throw new DockerfileError(instruction.line, `${instruction.keyword} names ${key} but gives it no value`);
    return [[key, splitWords(value, vars).join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new DockerfileError(instruction.line, `${instruction.keyword} expects key=value, got ${JSON.stringify(w)}`);
    return [w.slice(0, eq), w.slice(eq + 1)] as [string, string];
  });
}
// #endregion key-values
