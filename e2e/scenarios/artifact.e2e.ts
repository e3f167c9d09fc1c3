// The release artifact, swapped: someone with write access to the release bucket replaces the
// published artifact's bytes, and a fresh host runs the launch template's user data (without its
// download steps, as the default-repo scenario runs it). It must refuse the artifact before it
// unpacks or runs anything from it, say why, and signal failure to CloudFormation.
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
    const pointer = JSON.parse(
      readFileSync(
        join(env.awsState, "ssm", env.values.CurrentReleaseParameterName!),
        "utf8",
      ),
    ) as { key: string; sha256: string; versionId: string };
    const object = join(env.awsState, "s3", RELEASE_BUCKET, pointer.key);

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
    const { script } = offlineUserData(userData(env.app.dir, env.values));
    const booted = await timings.time(
      "artifact: boot with a swapped artifact",
      () =>
        host!
          .run(
            `cat >/root/user-data && bash /root/user-data >/var/log/cloud-init-output.log 2>&1`,
            { input: script, timeoutMs: 10 * 60_000 },
          )
          .then(
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
      new RegExp(`^FAILURE i-${host!.name} WebGroup$`, "m"),
    );
    assert.doesNotMatch(signals, /^SUCCESS /m);
  });
});
