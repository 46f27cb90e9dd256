// template.ts — `--format`: the part of Go's text/template that people type.
//
// `docker ps --format '{{.ID}} {{.Names}}'`, `docker inspect -f
// '{{.State.Status}}'`, `{{json .}}`, `{{range .Mounts}}…{{end}}`: the docker
// CLI hands these to Go's text/template with a few functions of its own
// (cli/templates/templates.go: json, join, split, lower, upper, title, pad,
// truncate, println). No npm package implements Go's template language —
// Handlebars and its kin look alike but differ in pipes, `range`, `index`
// and how a missing field prints — so this file is a small evaluator of the
// forms a user meets: fields, pipes, function calls, parentheses, strings
// and numbers, `if`/`else`, `range`, `with`, and `{{-` trimming.

// #region template-ast
/** A parsed template: text, actions, and blocks with their bodies. */
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] };

/** Commands joined by `|`: each command's result is the last argument of the next. */
type Pipeline = Command[];
type Command = Term[];
type Term =
  | { kind: 'field'; path: string[] }
  | { kind: 'string' | 'number'; value: string | number }
  | { kind: 'name'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };

/** A template that does not parse, or fails while it runs (a field the row has not). */
export class TemplateError extends Error {
  constructor(message: string, readonly phase: 'parse' | 'execute' = 'parse') {
    super(message);
  }
}
// #endregion template-ast

// #region template-split
/** Splits `{{ … }}` actions from text, honouring `{{-` and `-}}`, which trim the whitespace beside them. */
function split(source: string): { text: string; action?: string }[] {
  const parts: { text: string; action?: string }[] = [];
  let rest = source;
  let trimNext = false;
  while (rest.length) {
    const open = rest.indexOf('{{');
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      parts.push({ text });
      break;
    }
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new TemplateError('unclosed action');
    let inner = rest.slice(open + 2, close);
    if (inner.startsWith('-') && /^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    parts.push({ text, action: inner.trim() });
    rest = rest.slice(close + 2);
  }
  return parts;
}
// #endregion template-split

// #region template-lexer
/** The words of an action: strings, parentheses, pipes and bare words. */
function tokens(action: string): string[] {
  const out: string[] = [];
  const word = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||[^\s()|"`]+)/y;
  for (let pos = 0; pos < action.length; pos = word.lastIndex) {
    word.lastIndex = pos;
    const m = word.exec(action);
    if (!m) {
      if (action.slice(pos).trim()) throw new TemplateError(`unexpected ${action.slice(pos).trim()} in command`);
      break;
    }
    out.push(m[1]!);
  }
  return out;
}
// #endregion template-lexer

// #region template-parser
/** Parses a template once; `render` runs it as often as there are rows. */
export function parseTemplate(source: string): Node[] {
  const parts = split(source);
  let i = 0;
  const block = (ends: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < parts.length) {
      const part = parts[i++]!;
      if (part.text) nodes.push({ kind: 'text', text: part.text });
      if (part.action === undefined) continue;
      const words = tokens(part.action);
      const head = words[0];
      if (head === undefined || head.startsWith('/*')) continue;
      if (ends.includes(head)) return { nodes, end: head };
      if (head === 'if' || head === 'with' || head === 'range') {
        const pipe = parsePipeline(words.slice(1));
        const body = block(['else', 'end']);
        const otherwise = body.end === 'else' ? block(['end']).nodes : [];
        nodes.push({ kind: head, pipe, body: body.nodes, otherwise });
      } else nodes.push({ kind: 'action', pipe: parsePipeline(words) });
    }
    if (ends.length) throw new TemplateError(`unexpected EOF`);
    return { nodes, end: '' };
  };
  return block([]).nodes;
}

// #endregion template-parser

// #region template-pipeline
function parsePipeline(words: string[]): Pipeline {
  const pipe: Pipeline = [[]];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '|') pipe.push([]);
    else if (word === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < words.length && depth; j++) depth += words[j] === '(' ? 1 : words[j] === ')' ? -1 : 0;
      if (depth) throw new TemplateError('unclosed left paren');
      pipe.at(-1)!.push({ kind: 'pipe', pipe: parsePipeline(words.slice(i + 1, j - 1)) });
      i = j - 1;
    } else pipe.at(-1)!.push(parseTerm(word));
  }
  if (pipe.some((command) => command.length === 0)) throw new TemplateError('missing command');
  return pipe;
}

function parseTerm(word: string): Term {
  if (word.startsWith('"')) return { kind: 'string', value: JSON.parse(word) as string };
  if (word.startsWith('`')) return { kind: 'string', value: word.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'number', value: Number(word) };
  if (word === '.') return { kind: 'field', path: [] };
  if (word.startsWith('.')) return { kind: 'field', path: word.slice(1).split('.') };
  if (/^[A-Za-z_]\w*$/.test(word)) return { kind: 'name', name: word };
  throw new TemplateError(`bad character in "${word}"`);
}
// #endregion template-pipeline

// #region template-functions
/** Go's notion of "empty", which `if` and `with` test: false, 0, "", nil, and empty lists and maps. */
const truthy = (v: unknown): boolean =>
  !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0));

/** How Go's fmt prints a value with `{{.X}}`: maps as map[k:v], lists as [a b], nil as <no value>. */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  }
  return String(v);
}

/** The docker CLI's template functions, plus Go's own index, len, print, println, printf, eq, ne, not, and, or. */
const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  json: (v) => JSON.stringify(v === undefined ? null : v),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  title: (s) => String(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  join: (list, sep) => ((list as unknown[]) ?? []).map(goString).join(String(sep)),
  split: (s, sep) => String(s).split(String(sep)),
  pad: (s, left, right) => ' '.repeat(Number(left)) + goString(s) + ' '.repeat(Number(right)),
  truncate: (s, n) => String(s).slice(0, Number(n)),
  index: (v, ...keys) => keys.reduce<unknown>((x, k) => (x == null ? undefined : (x as Record<string, unknown>)[String(k)]), v),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys((v as object) ?? {}).length),
  print: (...args) => args.map(goString).join(''),
  println: (...args) => `${args.map(goString).join(' ')}\n`,
  printf: (format, ...args) => String(format).replace(/%[svdq%]/g, (spec) => (spec === '%%' ? '%' : spec === '%q' ? JSON.stringify(goString(args.shift())) : goString(args.shift()))),
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truthy(a)) ?? args.at(-1),
};
// #endregion template-functions

// #region template-render
/** Runs a parsed template against `data`. */
export function render(nodes: Node[], data: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'action') out += goString(evalPipeline(node.pipe, data));
    else {
      const value = evalPipeline(node.pipe, data);
      if (node.kind === 'range') {
        const items = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
        out += items.length ? items.map((item) => render(node.body, item)).join('') : render(node.otherwise, data);
      } else if (truthy(value)) out += render(node.body, node.kind === 'with' ? value : data);
      else out += render(node.otherwise, data);
    }
  }
  return out;
}

function evalPipeline(pipe: Pipeline, dot: unknown): unknown {
  let previous: unknown[] = [];
  for (const command of pipe) previous = [evalCommand(command, dot, previous)];
  return previous[0];
}

function evalCommand([head, ...rest]: Command, dot: unknown, piped: unknown[]): unknown {
  const args = () => [...rest.map((t) => evalTerm(t, dot)), ...piped];
  if (head!.kind === 'name') {
    const fn = FUNCTIONS[head!.name];
    if (!fn) throw new TemplateError(`function "${head!.name}" not defined`);
    return fn(...args());
  }
  const value = evalTerm(head!, dot);
  // A method of the row (`{{.Label "key"}}`) is a function-valued field.
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown)(...args()) : value;
}

// #endregion template-render

// #region template-eval
function evalTerm(term: Term, dot: unknown): unknown {
  switch (term.kind) {
    case 'string':
    case 'number':
      return term.value;
    case 'pipe':
      return evalPipeline(term.pipe, dot);
    case 'name':
      if (term.name === 'true' || term.name === 'false') return term.name === 'true';
      if (term.name === 'nil') return null;
      return FUNCTIONS[term.name]?.() ?? (() => { throw new TemplateError(`function "${term.name}" not defined`); })();
    case 'field':
      return term.path.reduce<unknown>((value, key) => {
        if (value === null || value === undefined) throw new TemplateError(`nil pointer evaluating .${term.path.join('.')}`, 'execute');
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined && !Array.isArray(value) && typeof value === 'object' && !(key in (value as object)) && isStruct(value)) {
          throw new TemplateError(`can't evaluate field ${key}`, 'execute');
        }
        return typeof field === 'function' && term.path.at(-1) !== key ? (field as () => unknown).call(value) : field;
      }, dot);
  }
}

/** Rows made by the CLI are Go structs (unknown fields are errors); JSON from the daemon is a map (missing keys are <no value>). */
const STRUCT = Symbol('struct');
const isStruct = (value: unknown): boolean => typeof value === 'object' && value !== null && STRUCT in value;
/** Marks a row object as a struct, so that `{{.Nope}}` fails as Go's would. */
export const asStruct = <T extends object>(row: T): T => Object.defineProperty(row, STRUCT, { value: true, enumerable: false });
// #endregion template-eval
