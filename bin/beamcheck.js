#!/usr/bin/env node
// The beamcheck command: see src/cli/main.ts. Built to dist/ by `npm install` (the prepare script).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
