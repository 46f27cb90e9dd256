// record-transcript.ts — re-records transcript files from their own commands.
//
//   npm run transcripts:record -- chapters/01-namespaces/transcripts/hello.txt
//   npm run transcripts:record -- --all
//
// Write the commands first (lines starting with "$ "), then record: each
// command runs, in order, in one bash from the repository root, and its real
// output replaces whatever followed it. Read the result before committing it.
// It runs with a private /tmp, after the chapter's transcripts that come
// before it (see transcript.ts), and leaves nothing behind.
import { listTranscripts } from './sources.ts';
import { recordTranscript } from './transcript.ts';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: npm run transcripts:record -- FILE.txt... | --all   (paths relative to the repository root)');
  process.exit(2);
}
const files = args.includes('--all') ? listTranscripts() : args;
let failed = false;
for (const file of files) {
  try {
    const t = recordTranscript(file);
    console.log(`recorded ${file}: ${t.steps.length} command(s)`);
  } catch (e) {
    failed = true;
    console.error(`${file}: ${(e as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
