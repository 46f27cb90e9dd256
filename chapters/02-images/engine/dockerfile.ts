// dockerfile.ts — reading a Dockerfile into instructions that remember their line.
//
// A Dockerfile is a list of instructions, one per logical line (Dockerfile
// reference, "Format"): a keyword, case-insensitive, then its arguments. A
// backslash at the end of a line continues it; lines starting with `#` are
// comments, even in the middle of a continued instruction. Some instructions
// take either a "shell form" (a string for /bin/sh -c) or an "exec form" (a
// JSON array of strings). Every instruction keeps the line it started on, so
// that any error later in the build can say where it came from.

import { InvalidArgumentError } from '../../01-namespaces/index.js';

// #region instruction
/** The instructions this builder understands, in the Dockerfile reference's words. */
export const KEYWORDS = [
  'FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'WORKDIR', 'USER',
  'CMD', 'ENTRYPOINT', 'LABEL', 'EXPOSE', 'VOLUME', 'SHELL', 'STOPSIGNAL', 'MAINTAINER',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export interface Instruction {
  /** Upper-case keyword: `RUN`. */
  keyword: Keyword;
  /** Line (1-based) where the instruction starts. */
  line: number;
  /** Leading `--name=value` flags (COPY --chown=1:1, COPY --from=...). */
  flags: Record<string, string>;
  /** The arguments after the flags, continuation lines joined with a space. */
  args: string;
  /** The exec form, when the arguments are a JSON array of strings. */
  json?: string[];
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
 * blank line inside a continuation is skipped without ending it, as Docker does.
 */
function logicalLines(source: string): LogicalLine[] {
  const physical = source.replace(/\r\n/g, '\n').split('\n');
  const out: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  physical.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current)) return;
    if (trimmed === '') return;
    const continues = /(^|[^\\])\\$/.test(trimmed) || trimmed === '\\';
    const piece = continues ? trimmed.slice(0, -1).trim() : trimmed;
    if (current) current.text += (current.text && piece ? ' ' : '') + piece;
    else current = { line: index + 1, text: piece };
    if (!continues) {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}
// #endregion logical-lines

/** Real Dockerfile instructions this builder does not implement: refused by name, not as unknown. */
const NOT_YET = ['ONBUILD', 'HEALTHCHECK'];

// #region parse
/**
 * Parses a Dockerfile into instructions; throws DockerfileError naming the
 * line. A file with none gives an empty list: the builder refuses it, with
 * the file's name in Docker's message.
 */
export function parseDockerfile(source: string): Instruction[] {
  const instructions: Instruction[] = [];
  for (const { line, text } of logicalLines(source)) {
    const match = /^(\S+)\s*(.*)$/s.exec(text);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    if (NOT_YET.includes(keyword)) throw new DockerfileError(line, `${keyword} is not supported by this builder yet`);
    if (!(KEYWORDS as readonly string[]).includes(keyword)) {
      throw new DockerfileError(line, `unknown instruction: ${match[1]}`);
    }
    const { flags, rest } = takeFlags(match[2]);
    const json = execForm(rest);
    if (rest === '' && keyword !== 'RUN' && keyword !== 'CMD' && keyword !== 'ENTRYPOINT') {
      throw new DockerfileError(line, `${keyword} requires at least one argument`);
    }
    instructions.push({ keyword: keyword as Keyword, line, flags, args: rest, json, text: `${keyword} ${match[2]}`.trim() });
  }
  const first = instructions.find((i) => i.keyword !== 'ARG');
  if (first && first.keyword !== 'FROM') {
    throw new DockerfileError(first.line, `no build stage in current context: the first instruction must be FROM, not ${first.keyword}`);
  }
  return instructions;
}

/** Splits leading `--name=value` flags off the arguments. */
function takeFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[m[1]] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

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
// #endregion parse

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
// #endregion words

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
