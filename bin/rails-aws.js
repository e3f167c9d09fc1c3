#!/usr/bin/env node
// Entry point of `npx rails-aws`. The compiled CLI is one CommonJS script (built by `npm ci` through
// `prepare`: cli/bundle.ts), run here with the V8 code cache the build made of it, so that a run
// neither parses it nor compiles what a default run needs. This file is CommonJS too
// (bin/package.json): Node starts an ES module entry point several milliseconds later.
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const bundle = join(__dirname, "../dist/bundle/cli.cjs");
const cachePath = `${bundle}.cache`;
const source = readFileSync(bundle, "utf8");
// The cache begins with the first line of the script it was made from, which holds its hash.
const header = source.slice(0, source.indexOf("\n") + 1);
const cache = existsSync(cachePath) ? readFileSync(cachePath) : undefined;
const cachedData =
  cache?.subarray(0, header.length).toString("latin1") === header
    ? cache.subarray(header.length)
    : undefined;
const script = new Script(Module.wrap(source), {
  filename: bundle,
  cachedData,
});
const cli = { exports: {} };
script
  .runInThisContext()
  .call(
    cli.exports,
    cli.exports,
    Module.createRequire(bundle),
    cli,
    bundle,
    dirname(bundle),
  );
const { main, timings, codeCacheUse, templatesCodeCache } = cli.exports;

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
main(process.argv.slice(2), io).then((exitCode) => {
  process.exitCode = exitCode;
  // The build's default run (cli/bundle.ts) keeps what it compiled, for every later run.
  if (process.env.RAILS_AWS_WRITE_CODE_CACHE)
    writeFileSync(
      cachePath,
      Buffer.concat([Buffer.from(header, "latin1"), script.createCachedData()]),
    );
  // The benchmark asks where the time went (npm run bench), and whether V8 took the build's code
  // caches (test/startup.test.ts).
  if (process.env.RAILS_AWS_TIMINGS)
    process.stderr.write(
      `${JSON.stringify({
        timings: timings(),
        started,
        uptime: process.uptime() * 1000,
        codeCache: {
          command: codeCacheUse(cachedData, script),
          templates: templatesCodeCache(),
        },
      })}\n`,
    );
});
