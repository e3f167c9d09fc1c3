#!/usr/bin/env node
// Entry point of `npx rails-aws`; the compiled CLI is in dist/ (built by `npm ci` through `prepare`).
import { main } from "../dist/cli/main.js";

const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};
process.exitCode = await main(process.argv.slice(2), io);
