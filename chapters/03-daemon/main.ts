#!/usr/bin/env node
// main.ts — skiffd, the daemon: the Docker Engine API on a unix socket.

import { runSkiffd, skiffdCommand } from './command.js';

// #region main
// This chapter's daemon has no registry client: pull and push answer 501.
// Chapter 05's skiffd runs the same command with one plugged in.
await runSkiffd(skiffdCommand());
// #endregion main
