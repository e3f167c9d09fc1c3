// The generator's variants, run on hosts with real systemd: `--cable-adapter redis` boots with
// Redis (Debian's redis-server over TLS, as ElastiCache serves it), which carries the
// scratchpad's edits between tabs in Chromium on both hosts; `--shell-access bastion` deploys through a real bastion sshd.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isObject } from "../../check/cloudformation/json.js";
import { parseCloudFormationFile } from "../../check/cloudformation/template.js";
import { FIXTURES } from "../../test/helpers/ssh-hosts.js";
import { requireTool } from "../../test/helpers/tools.js";
import { substituted, type StackValues } from "../harness/app.js";
import { Deployer, sshSessions } from "../harness/deployer.js";
import { editTogether } from "../harness/editing.js";
import { redisPublishes } from "../harness/redis.js";
import type { Host } from "../harness/fleet.js";
import { get } from "../harness/http.js";
import { log, timings, withEnvironment } from "../harness/suite.js";

const APP_ROOT = "/var/www/app";

/** A host's /health, asked at its address from this machine. */
const health = async (host: Host) =>
  (await get(3000, "/health", host.address)).status;

describe("e2e: the --cable-adapter redis variant on hosts with real systemd", function () {
  const environment = withEnvironment({
    hosts: 2,
    generatorArgs: ["--cable-adapter", "redis"],
  });

  it("redis: the app boots with Redis over TLS, and tabs in headless Chromium on both hosts edit the scratchpad together through it", async function () {
    this.timeout(20 * 60_000);
    requireTool(this, "chromium");
    const env = environment();
    await timings.time("redis: 2 instances boot", () =>
      Promise.all(env.hosts.map((host) => env.runUserData(host))),
    );
    const [first] = env.hosts as [Host];
    for (const host of env.hosts) {
      assert.equal(await health(host), 200, `/health on ${host.name}`);
      // As the running Puma has it, from the environment file.
      const url = await host.run(
        `tr '\\0' '\\n' </proc/"$(systemctl show -p MainPID --value app-web.service)"/environ | grep ^REDIS_URL=`,
      );
      assert.equal(url.stdout.trim(), `REDIS_URL=${env.values.CacheUrl}`);
    }

    // The scratchpad keeps its text in the database; the broadcasts go through Redis only.
    await first.run(
      `set -a; . /etc/app/env; set +a; cd ${APP_ROOT}/current && bin/rails db:prepare`,
      { user: "deploy", timeoutMs: 5 * 60_000 },
    );
    const publishedBefore = await redisPublishes(first);
    const figures = await timings.time(
      "redis: scratchpad in Chromium, Redis",
      () =>
        editTogether(
          env.hosts,
          { editors: 6, keystrokes: 25, intervalMs: 30 },
          (line) => log(`Redis: ${line}`),
        ),
    );
    // The edits were broadcast through Redis: at least one message for each latency sample,
    // typed alone (a tab merges the keystrokes it types meanwhile into fewer edits).
    const published = (await redisPublishes(first)) - publishedBefore;
    assert.ok(
      published >= figures.samples,
      `Redis published ${published} messages, fewer than the ${figures.samples} edits typed one at a time`,
    );
    const databases = await first.run(
      `runuser -u postgres -- psql -Atc "select datname from pg_database where datname like 'app_production%' order by 1"`,
    );
    assert.doesNotMatch(
      databases.stdout,
      /_cable$/m,
      "no cable database: the Redis variant has none",
    );
  });
});

describe("e2e: the --shell-access bastion variant deploys through its bastion", function () {
  const environment = withEnvironment({
    hosts: 3,
    generatorArgs: ["--shell-access", "bastion"],
  });

  it("bastion: cap production deploy reaches the instance through the bastion, opening its group for the run only", async function () {
    this.timeout(30 * 60_000);
    const env = environment();
    const [instance, deployerHost, bastion] = env.hosts as [Host, Host, Host];
    await timings.time("bastion: the instance and the bastion boot", () =>
      Promise.all([
        env.runUserData(instance),
        bastion.run(bastionUserData(env.app.dir, env.values)),
      ]),
    );
    const deployer = await Deployer.setUp(env, deployerHost, [instance]);
    deployer.setGroup([instance], bastion);
    // checkip.amazonaws.com, which the bastion task asks for this machine's address.
    deployerHost.writeFile(
      "/usr/local/lib/rails-aws-e2e/checkip.rb",
      readFileSync(join(FIXTURES, "checkip.rb"), "utf8"),
    );
    const commit = await deployer.commit(
      { "public/e2e-deploy.txt": "through the bastion\n" },
      "a deploy through the bastion",
    );
    const before = await Promise.all([instance, bastion].map(sshSessions));
    const run = await timings.time("bastion: deploy through the bastion", () =>
      deployer.cap(["production", "deploy"], {
        RUBYOPT: "-r/usr/local/lib/rails-aws-e2e/checkip.rb",
        CHECKIP_ADDRESS: "198.51.100.7",
      }),
    );
    if (run.code !== 0)
      assert.fail(
        `cap exited ${run.code}:\n${run.output.split("\n").slice(-60).join("\n")}`,
      );
    const [onInstance, onBastion] = (
      await Promise.all([instance, bastion].map(sshSessions))
    ).map((count, i) => count - before[i]!);
    log(
      `through the bastion: ${run.seconds.toFixed(1)} s; SSH sessions on the instance ${onInstance}, on the bastion ${onBastion}`,
    );
    const served = await instance.run(`cat ${APP_ROOT}/current/REVISION`);
    assert.equal(served.stdout.trim(), commit);
    assert.equal(await health(instance), 200);
    assert.ok(onInstance >= 1 && onInstance <= 3, `${onInstance} sessions`);
    assert.equal(
      onBastion,
      onInstance,
      "each session went through the bastion",
    );
    const calls = readFileSync(join(env.awsState, "calls.log"), "utf8");
    for (const call of ["authorize", "revoke"])
      assert.equal(
        calls
          .split("\n")
          .filter(
            (line) =>
              line.includes(`ec2 ${call}-security-group-ingress`) &&
              line.includes("198.51.100.7/32"),
          ).length,
        1,
        `one ${call}-security-group-ingress for the deployer's address`,
      );
    assert.ok(
      !calls.includes("ssm start-session"),
      "no SSM session: the bastion variant does not use Session Manager",
    );

    // A deploy job killed mid-deploy leaves its rule: the workflow's closing step removes it,
    // and opens nothing itself.
    const rules = join(env.awsState, "security-group.json");
    writeFileSync(rules, JSON.stringify(["198.51.100.7/32"]));
    const close = await deployer.cap(["production", "bastion:close"], {
      RUBYOPT: "-r/usr/local/lib/rails-aws-e2e/checkip.rb",
      CHECKIP_ADDRESS: "198.51.100.7",
    });
    assert.equal(close.code, 0, close.output);
    assert.deepEqual(JSON.parse(readFileSync(rules, "utf8")), []);
    assert.equal(
      readFileSync(join(env.awsState, "calls.log"), "utf8")
        .split("\n")
        .filter((line) => line.includes("ec2 authorize-security-group-ingress"))
        .length,
      1,
      "bastion:close opened nothing",
    );
  });
});

/** The bastion's user data (network.yml's BastionLaunchTemplate), run as cloud-init runs it. */
function bastionUserData(repo: string, values: StackValues): string {
  const path = "infra/cloudformation/network.yml";
  const template = parseCloudFormationFile({
    path,
    contents: readFileSync(join(repo, path), "utf8"),
  } as Parameters<typeof parseCloudFormationFile>[0]).body as {
    Resources: Record<string, unknown>;
  };
  const launch = template.Resources.BastionLaunchTemplate;
  assert.ok(isObject(launch), "the bastion variant has BastionLaunchTemplate");
  const data = (
    launch as {
      Properties: {
        LaunchTemplateData: { UserData: { "Fn::Base64": unknown } };
      };
    }
  ).Properties.LaunchTemplateData.UserData["Fn::Base64"];
  return substituted(data, { ...values, Environment: "production" });
}
