// ec-source-lines.ts — an Expressive Code plugin that numbers a code block's
// lines with the REAL line numbers of the file it came from.
//
// The remark plugin passes them as `lines="17-20,22-40"`: a region may skip
// lines (nested region markers are not shown), so a plain start number is
// not enough. Blocks without `lines` get no numbers at all.

import type { ExpressiveCodePlugin } from '@expressive-code/core';
import { h, setInlineStyle } from '@expressive-code/core/hast';
import { parseLineRanges } from './sources.ts';

export function pluginSourceLines(): ExpressiveCodePlugin {
  return {
    name: 'Skiff source lines',
    baseStyles: `
      .gutter .ln {
        display: inline-flex;
        justify-content: flex-end;
        align-items: flex-start;
        box-sizing: content-box;
        min-width: var(--lnWidth, 2ch);
        padding-inline: 1.5ch 1.5ch;
        color: var(--sl-color-gray-3, #888);
        opacity: 0.75;
        user-select: none;
      }
      .gutter .ln.gap { border-top: 1px dashed currentColor; }
    `,
    hooks: {
      preprocessMetadata: ({ codeBlock, addGutterElement }) => {
        const ranges = codeBlock.metaOptions.getString('lines');
        if (!ranges) return;
        const numbers = parseLineRanges(ranges);
        if (numbers.length !== codeBlock.getLines().length) {
          throw new Error(`lines="${ranges}" names ${numbers.length} lines but the block has ${codeBlock.getLines().length}`);
        }
        codeBlock.props.showLineNumbers = true;
        (codeBlock as unknown as { skiffLines: number[] }).skiffLines = numbers;
        addGutterElement({
          renderPhase: 'earlier',
          renderLine: ({ lineIndex }) => {
            const n = numbers[lineIndex]!;
            const gap = lineIndex > 0 && numbers[lineIndex - 1] !== n - 1;
            return h(gap ? 'div.ln.gap' : 'div.ln', { 'aria-hidden': 'true' }, `${n}`);
          },
          renderPlaceholder: () => h('div.ln'),
        });
      },
      postprocessRenderedBlock: ({ codeBlock, renderData }) => {
        const numbers = (codeBlock as unknown as { skiffLines?: number[] }).skiffLines;
        if (!numbers) return;
        const width = Math.max(...numbers.map((n) => `${n}`.length));
        if (width > 2) setInlineStyle(renderData.blockAst, '--lnWidth', `${width}ch`);
      },
    },
  };
}
