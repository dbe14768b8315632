#!/usr/bin/env node
// The beamcheck command: see src/cli/main.ts. Built to dist/ by `npm install` (the prepare script).
import { main } from '../dist/src/cli/main.js';

// A reader that stops early (`beamcheck list | head`) closes the pipe: end quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
