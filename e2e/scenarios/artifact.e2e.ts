// The release artifact, swapped: someone with write access to the release bucket replaces the
// published artifact's bytes, and a fresh host runs the launch template's user data (without its
// download steps, as the default-repo scenario runs it). It must refuse the artifact before it
// unpacks or runs anything from it, say why, and signal failure to CloudFormation. With the
// genuine bytes back, the same host installs the release and serves it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { offlineUserData, userData } from "../harness/app.js";
import { Environment, RELEASE_BUCKET } from "../harness/environment.js";
import { run } from "../harness/process.js";
import { log, requireSuite, timings } from "../harness/suite.js";

const APP_ROOT = "/var/www/app";

describe("e2e: a swapped release artifact is refused at boot", function () {
  let env: Environment;
  let genuine: Buffer | undefined;

  /** The user data as cloud-init runs it (as root, its output in cloud-init-output.log). */
  const boot = () =>
    env.hosts[0]!.run(
      `cat >/root/user-data && bash /root/user-data >/var/log/cloud-init-output.log 2>&1`,
      {
        input: offlineUserData(userData(env.app.dir, env.values)).script,
        timeoutMs: 10 * 60_000,
      },
    );

  before(async function () {
    this.timeout(60 * 60_000);
    const tarball = requireSuite(this);
    env = await Environment.start({ hosts: 1, tarball, timings, log });
  });

  after(async function () {
    this.timeout(120_000);
    await env?.stop();
  });

  it("refuses an artifact whose bytes are not the SHA-256 the pointer names, before unpacking it", async function () {
    this.timeout(15 * 60_000);
    const pointer = env.currentRelease();
    const object = join(env.awsState, "s3", RELEASE_BUCKET, pointer.key);
    genuine = readFileSync(object);

    // The swap: the same release with one file of its code changed, in place of the object.
    const unpacked = mkdtempSync(join(tmpdir(), "rails-aws-e2e-swap-"));
    try {
      await run("tar", ["-xzf", object, "-C", unpacked]);
      writeFileSync(
        join(unpacked, "config/routes.rb"),
        `${readFileSync(join(unpacked, "config/routes.rb"), "utf8")}# swapped\n`,
      );
      await run("tar", ["-czf", object, "-C", unpacked, "."]);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
    const swapped = createHash("sha256")
      .update(readFileSync(object))
      .digest("hex");

    const [host] = env.hosts;
    const booted = await timings.time(
      "artifact: boot with a swapped artifact",
      () =>
        boot().then(
          () => "succeeded",
          () => "failed",
        ),
    );
    assert.equal(booted, "failed", "the user data refuses the release");
    const output = await host!.run(
      `tail -n 3 /var/log/cloud-init-output.log; echo ---
       ls -A ${APP_ROOT}/releases; echo ---
       test -e ${APP_ROOT}/current && echo current || echo none; echo ---
       systemctl is-active app-web.service || true`,
    );
    const [tail, releases, current, web] = output.stdout.split("---\n");
    assert.match(
      tail!,
      new RegExp(
        `Refusing the release: s3://${RELEASE_BUCKET}/${pointer.key} \\(version ${pointer.versionId}\\) has SHA-256 ${swapped}, not the ${pointer.sha256} its deploy published\\.`,
      ),
    );
    assert.equal(releases!.trim(), "", "nothing unpacked");
    assert.equal(current!.trim(), "none");
    assert.notEqual(web!.trim(), "active");
    const signals = readFileSync(join(env.awsState, "signals"), "utf8");
    assert.match(
      signals,
      new RegExp(`^FAILURE ${env.instanceId(host!)} WebGroup$`, "m"),
    );
    assert.doesNotMatch(signals, /^SUCCESS /m);
  });

  it("installs the genuine artifact on the same host: gems from the release, assets compiled, /health 200", async function () {
    this.timeout(15 * 60_000);
    assert.ok(genuine, "the swap scenario ran first");
    const pointer = env.currentRelease();
    writeFileSync(
      join(env.awsState, "s3", RELEASE_BUCKET, pointer.key),
      genuine,
    );
    await timings.time("artifact: boot with the genuine artifact", () =>
      boot().catch(async (error: Error) => {
        const output = await env.hosts[0]!.run(
          "tail -n 40 /var/log/cloud-init-output.log",
        );
        throw new Error(`${error.message.split("\n")[0]}\n${output.stdout}`);
      }),
    );
    const host = env.hosts[0]!;
    const state = await host.run(
      `readlink ${APP_ROOT}/current; echo ---
       cat ${APP_ROOT}/current/RELEASE_ARTIFACT; echo ---
       ls ${APP_ROOT}/current/public/assets | wc -l; echo ---
       curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:3000/health`,
    );
    const [current, kept, assets, health] = state.stdout.split("---\n");
    assert.equal(current!.trim(), `${APP_ROOT}/releases/${env.releaseName}`);
    assert.deepEqual(
      JSON.parse(kept!),
      pointer,
      "the release keeps its pointer",
    );
    assert.ok(Number(assets) > 0, "assets compiled at boot");
    assert.equal(health!.trim(), "200");
    const signals = readFileSync(join(env.awsState, "signals"), "utf8");
    assert.match(
      signals,
      new RegExp(`^SUCCESS ${env.instanceId(host)} WebGroup$`, "m"),
    );
  });
});
