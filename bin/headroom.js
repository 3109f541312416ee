#!/usr/bin/env node
// The `headroom` command: runs the compiled CLI (npm run build writes dist/).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
