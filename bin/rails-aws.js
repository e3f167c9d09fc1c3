#!/usr/bin/env node
// Entry point of `npx rails-aws`; the compiled CLI is in dist/ (built by `npm ci` through `prepare`),
// bundled into one module (cli/bundle.ts).
import { main, timings } from "../dist/bundle/main.js";

// Node's own start and the command line's modules, before anything runs (npm run bench).
const started = process.uptime() * 1000;

// A reader that stops early (`rails-aws --help | head`) closes the pipe: that ends the output, not
// the run with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });

const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
};
process.exitCode = await main(process.argv.slice(2), io);
// The benchmark asks where the time went (npm run bench).
if (process.env.RAILS_AWS_TIMINGS)
  process.stderr.write(
    `${JSON.stringify({ timings: timings(), started, uptime: process.uptime() * 1000 })}\n`,
  );
