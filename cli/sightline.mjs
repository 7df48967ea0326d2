#!/usr/bin/env node
// The `sightline` command (package.json "bin"): registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
// Let stdout drain, then leave even if a library left a handle open.
setTimeout(() => process.exit(), 500).unref();
