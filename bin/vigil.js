#!/usr/bin/env node
// The command line lives in TypeScript under services/cli; `npm install` compiles it to dist/ (prepare).
import { main } from '../dist/services/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
