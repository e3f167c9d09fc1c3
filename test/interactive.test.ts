// The interactive path as a person meets it, in a real terminal: `script` gives the command a
// pseudo-terminal, the test reads the screen and types.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** Starts rails-aws in a terminal; resolves each `until` once the screen shows it. */
function inTerminal(args: string[]) {
  const command = [
    process.execPath,
    join(packageRoot, "bin/rails-aws.js"),
    ...args,
  ]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["-qefc", command, "/dev/null"], {
    env: { ...process.env, TERM: "xterm", NO_UPDATE_NOTIFIER: "1" },
  });
  let screen = "";
  child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code) => done(code)),
  );
  return {
    type: (keys: string) => child.stdin.write(keys),
    screen: () => screen,
    exited,
    async until(text: string | RegExp, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (
        !(typeof text === "string" ? screen.includes(text) : text.test(screen))
      ) {
        if (Date.now() > deadline) {
          child.kill();
          throw new Error(`not shown in ${ms} ms: ${String(text)}\n${screen}`);
        }
        await new Promise((wait) => setTimeout(wait, 50));
      }
    },
  };
}

describe("the interactive path, in a terminal", () => {
  before(function () {
    requireTool(this, "script");
  });

  it("Ctrl-C at a prompt says 'Cancelled, nothing written', exits 130 and leaves no folder", async () => {
    const dir = join(tempDir(), "new", "myapp");
    const run = inTerminal([dir]);
    await run.until("Application name");
    run.type("\x03");
    assert.equal(await run.exited, 130, run.screen());
    assert.match(run.screen(), /Cancelled, nothing written\./);
    assert.doesNotMatch(run.screen(), /error occured|force closed/i);
    assert.ok(
      !existsSync(join(dir, "..")),
      "the folders the run made are gone",
    );
  });
});
