// ec-transcript.ts — an Expressive Code plugin for recorded sessions: in a
// block marked `transcript`, output lines get the class `output`, so the
// book can set what the reader types apart from what the machine answered.

import type { ExpressiveCodePlugin } from '@expressive-code/core';
import { addClassName } from '@expressive-code/core/hast';

export function pluginTranscript(): ExpressiveCodePlugin {
  return {
    name: 'Skiff transcript',
    baseStyles: `
      .ec-line.output .code span { color: var(--sl-color-gray-2) !important; font-style: normal !important; }
      .ec-line.command .code { font-weight: 600; }
    `,
    hooks: {
      postprocessRenderedLine: ({ codeBlock, line, renderData }) => {
        if (!codeBlock.metaOptions.getBoolean('transcript')) return;
        addClassName(renderData.lineAst, line.text.startsWith('$ ') ? 'command' : 'output');
      },
    },
  };
}
