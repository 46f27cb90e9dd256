// inspect.ts — `inspect`'s output: the daemon's JSON re-indented, or a template per object.

import { parseTemplate, render } from './template.js';

// #region indent-json
/**
 * Re-indents JSON text with four spaces, as `docker inspect` prints it,
 * without parsing it into values: the daemon's bytes stay as they were —
 * Go escapes `<`, `>` and `&` as `\u003c`…, and big integers keep every digit.
 */
export function indentJson(raw: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let i = 0;
  const newline = () => `\n${indent.repeat(depth)}`;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
      out += raw.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      const next = raw.slice(i + 1).trimStart()[0];
      if (next === close) {
        out += ch + close;
        i = raw.indexOf(close, i + 1) + 1;
        continue;
      }
      depth++;
      out += ch + newline();
    } else if (ch === '}' || ch === ']') {
      depth--;
      out += newline() + ch;
    } else if (ch === ',') out += `,${newline()}`;
    else if (ch === ':') out += ': ';
    else if (!/\s/.test(ch)) out += ch;
    i++;
  }
  return out;
}
// #endregion indent-json

// #region print-inspect
/** What `inspect` prints for a list of objects (each the daemon's raw JSON text). */
export function inspectOutput(raws: string[], format: string | undefined): string {
  if (!format) return `${raws.length ? indentJson(`[${raws.join(',')}]`) : '[]'}\n`;
  const template = parseTemplate(format === 'json' ? '{{json .}}' : format);
  return raws.map((raw) => `${render(template, JSON.parse(raw))}\n`).join('');
}
// #endregion print-inspect
