// index.ts — the fixture chapter's public module, for the API reference.
export { greet, shortHash } from './sample.js';
