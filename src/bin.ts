/**
 * The production entry: compiled to dist/bin.js, it is what the image runs and what `npm start`
 * runs once bin/rewind-dist.mjs has checked the build is not older than the sources. In a
 * checkout, bin/rewind.mjs runs src/cli.ts through tsx instead.
 */
import { endQuietlyOnClosedPipe, runCli } from './cli.ts';

endQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2));
