#!/usr/bin/env node
// The `rewind` command from the sources: TypeScript through tsx, always — development, `npm run
// demo`, the tests and the fault suite run this, so none of them can meet a stale build. `npm start`
// and the image run the compiled build instead (bin/rewind-dist.mjs, dist/bin.js).
import { register } from 'tsx/esm/api';

register();
const { endQuietlyOnClosedPipe, runCli } = await import('../src/cli.ts');
endQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2));
