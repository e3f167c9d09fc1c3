// Regeneration never loses a user's edit. Every assertion reads the files from disk.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_PATH } from "../core/manifest.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo, read, readTree, runCli } from "./helpers/repo.js";

const edit = (dir: string, path: string, change: (text: string) => string) =>
  writeFileSync(join(dir, path), change(read(dir, path)));
const actionLine = (action: string, path: string) =>
  new RegExp(`^ {2}${action} +${path.replaceAll(".", "\\.")}$`, "m");

describe("regeneration", () => {
  it("updates a file the user did not touch", async () => {
    const dir = await generateRepo();
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("update", "config/cable.yml"));
    assert.match(read(dir, "config/cable.yml"), /adapter: redis/);
  });

  it("reads a manifest of an earlier version, whose entries also hold a sha256, and writes it without them, naming each file's part", async () => {
    const dir = await generateRepo();
    edit(dir, MANIFEST_PATH, (text) =>
      text.replaceAll('"base":', '"sha256": "0123abcd",\n      "base":'),
    );
    edit(dir, "Procfile.dev", (text) => `${text}worker: bin/my-worker\n`);
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("kept", "Procfile.dev"));
    assert.match(run.stdout, actionLine("update", "config/cable.yml"));
    const manifest = JSON.parse(read(dir, MANIFEST_PATH)) as {
      files: Record<string, object>;
    };
    for (const [path, entry] of Object.entries(manifest.files))
      assert.deepEqual(Object.keys(entry).sort(), ["base", "part"], path);
  });

  it("a part's run with a flag that changes other parts regenerates them too, and says so", async () => {
    const dir = await generateRepo();
    const run = await runCli(["docker", dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /warning: --cable-adapter also changes what the rails, .*parts write: regenerated them too/,
    );
    assert.match(read(dir, "docker-compose.yml"), /redis/);
    assert.match(read(dir, "config/cable.yml"), /adapter: redis/);
    assert.match(read(dir, "infra/cloudformation/data.yml"), /ElastiCache/);
  });

  it("keeps a file the user changed when the generator's output for it did not change", async () => {
    const dir = await generateRepo();
    edit(dir, "Procfile.dev", (text) => `${text}worker: bin/my-worker\n`);
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("kept", "Procfile.dev"));
    assert.match(read(dir, "Procfile.dev"), /worker: bin\/my-worker/);
  });

  it("merges the user's edits with the generator's new output when they touch different lines", async () => {
    const dir = await generateRepo();
    edit(dir, "config/cable.yml", (text) =>
      text.replace("test:\n", "test:\n  # our team's note\n"),
    );
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("merged", "config/cable.yml"));
    const merged = read(dir, "config/cable.yml");
    assert.match(merged, /^ {2}# our team's note$/m);
    assert.match(merged, /adapter: redis/);
    // The next run starts from the merge: nothing more to do.
    const again = await runCli([dir]);
    assert.match(again.stdout, actionLine("kept", "config/cable.yml"));
    assert.equal(read(dir, "config/cable.yml"), merged);
  });

  it("writes conflict markers, lists the file and exits non-zero when both changed the same lines", async () => {
    const dir = await generateRepo();
    edit(dir, "config/cable.yml", (text) =>
      text.replace(/polling_interval: .*/, "polling_interval: 0.5.seconds"),
    );
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, actionLine("conflict", "config/cable.yml"));
    // --force would replace every edited file, not only this one: never the advice for a conflict.
    assert.match(
      run.stdout,
      /the generator's version is the one after =======/,
    );
    assert.doesNotMatch(run.stdout, /--force/);
    const text = read(dir, "config/cable.yml");
    assert.match(text, /^<<<<<<< yours$/m);
    assert.match(text, /polling_interval: 0\.5\.seconds/);
    assert.match(text, /^=======$/m);
    assert.match(text, /^>>>>>>> rails-aws$/m);
    // Until the markers are resolved, later runs keep reporting it, and change nothing, even
    // when the generator's output for the file changes again.
    const again = await runCli([dir]);
    assert.equal(again.code, 1);
    assert.equal(read(dir, "config/cable.yml"), text);
    const changed = await runCli([dir, "--app-name", "board"]);
    assert.equal(changed.code, 1);
    assert.match(changed.stdout, actionLine("conflict", "config/cable.yml"));
    assert.equal(read(dir, "config/cable.yml"), text);
    assert.ok(text.endsWith("\n"), "the final newline is kept");
  });

  it("leaves a file the user deleted deleted, unless asked to restore it", async () => {
    const dir = await generateRepo();
    rmSync(join(dir, "Procfile.dev"));
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("deleted", "Procfile.dev"));
    assert.equal(existsSync(join(dir, "Procfile.dev")), false);
    const restored = await runCli([dir, "--restore-deleted"]);
    assert.match(restored.stdout, actionLine("create", "Procfile.dev"));
    assert.ok(existsSync(join(dir, "Procfile.dev")));
  });

  it("replaces edited files only with --force, and lists each one", async () => {
    const dir = await generateRepo();
    edit(dir, "config/cable.yml", (text) =>
      text.replace(/polling_interval: .*/, "polling_interval: 0.5.seconds"),
    );
    edit(dir, "Procfile.dev", (text) => `${text}worker: bin/my-worker\n`);
    const run = await runCli([dir, "--cable-adapter", "redis", "--force"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, actionLine("overwrite", "config/cable.yml"));
    assert.match(run.stdout, actionLine("overwrite", "Procfile.dev"));
    assert.match(run.stdout, /2 overwritten \(--force\)/);
    assert.doesNotMatch(read(dir, "config/cable.yml"), /0\.5\.seconds|<<<<<<</);
  });

  it("--dry-run prints each file's fate with a diff and writes nothing", async () => {
    const dir = await generateRepo();
    edit(dir, "Procfile.dev", (text) => `${text}worker: bin/my-worker\n`);
    const before = readTree(dir);
    const run = await runCli([dir, "--cable-adapter", "redis", "--dry-run"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readTree(dir), before);
    assert.match(run.stdout, actionLine("update", "config/cable.yml"));
    assert.match(run.stdout, actionLine("kept", "Procfile.dev"));
    assert.match(run.stdout, /^\+\+\+ b\/config\/cable\.yml$/m);
    assert.match(run.stdout, /^\+ {2}adapter: redis$/m);
    assert.match(run.stdout, /dry run: nothing was written/);
  });

  describe("eject", () => {
    it("copies a part's templates, and regeneration uses the copies", async () => {
      const dir = await generateRepo();
      const run = await runCli(["eject", "docker", dir]);
      assert.equal(run.code, 0, run.stderr);
      const copy = ".rails-aws/templates/docker/Procfile.dev.hbs";
      assert.equal(
        read(dir, copy),
        readFileSync(
          join(packageRoot, "templates/docker/Procfile.dev.hbs"),
          "utf8",
        ),
      );
      edit(dir, copy, (text) => `${text}jobs: bin/jobs # {{app.name}}\n`);
      const regenerated = await runCli(["docker", dir]);
      assert.equal(regenerated.code, 0, regenerated.stderr);
      assert.match(read(dir, "Procfile.dev"), /^jobs: bin\/jobs # demo$/m);
    });

    it("does not replace a copy the user changed, unless --force", async () => {
      const dir = await generateRepo();
      await runCli(["eject", "docker", dir]);
      const copy = ".rails-aws/templates/docker/Procfile.dev.hbs";
      writeFileSync(join(dir, copy), "web: bin/rails server\n");
      const run = await runCli(["eject", "docker", dir]);
      assert.match(
        run.stdout,
        /kept {6}\.rails-aws\/templates\/docker\/Procfile\.dev\.hbs/,
      );
      assert.equal(read(dir, copy), "web: bin/rails server\n");
    });

    it("--dry-run --force shows how a changed copy differs from the built-in template, writing nothing", async () => {
      const dir = await generateRepo();
      await runCli(["eject", "docker", dir]);
      const copy = ".rails-aws/templates/docker/Procfile.dev.hbs";
      edit(dir, copy, (text) => `${text}jobs: bin/jobs\n`);
      const before = readTree(dir);
      const run = await runCli([
        "eject",
        "docker",
        dir,
        "--dry-run",
        "--force",
      ]);
      assert.match(run.stdout, /^-jobs: bin\/jobs$/m);
      assert.deepEqual(readTree(dir), before);
    });

    it("says so when a built-in template changed since it was ejected", async () => {
      const dir = await generateRepo();
      await runCli(["eject", "docker", dir]);
      // As if the copy had been ejected from an older version of the built-in template.
      edit(dir, MANIFEST_PATH, (text) =>
        text.replace(/("docker\/Procfile\.dev\.hbs": )"[0-9a-f]+"/, '$1"0000"'),
      );
      const run = await runCli(["docker", dir]);
      assert.match(
        run.stdout,
        /warning: the built-in template docker\/Procfile\.dev\.hbs changed since you ejected it/,
      );
    });
  });
});
