// The instance's install-units script (a file of the launch template's Metadata, which the user
// data installs) runs as root, through sudo, on unit files the deploy user writes. Its check of each unit runs here for real
// (bash and awk) on the generated units and on units a compromised deploy could write.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { bootFiles } from "../e2e/harness/app.js";

const execFileAsync = promisify(execFile);

describe("install-units: installs only the app's units, as the deploy user, with no root commands", function () {
  let repo: string;
  let checkUnit: string;

  before(async () => {
    repo = await answerSetRepo("defaults");
    const appYml = readFileSync(
      join(repo, "infra/cloudformation/app.yml"),
      "utf8",
    );
    const script = bootFiles(appYml)["/usr/local/sbin/demo-install-units"]!;
    // Its variables and check_unit: everything before it reads the release.
    checkUnit = script.split("\nsource=")[0]!;
  });

  /** The script's verdict on `contents` as the unit `name`: its exit code and stderr. */
  async function check(name: string, contents: string) {
    const file = join(tempDir("unit-"), name);
    writeFileSync(file, contents);
    try {
      await execFileAsync("bash", [
        "-c",
        `${checkUnit}\ncheck_unit "$1" "$2"`,
        "install-units",
        file,
        name,
      ]);
      return { code: 0, stderr: "" };
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      return { code: failed.code, stderr: failed.stderr };
    }
  }

  const unitsDir = () => join(repo, "config/systemd");
  const web = () => readFileSync(join(unitsDir(), "demo-web.service"), "utf8");

  it("accepts every unit the generator writes", async () => {
    const names = readdirSync(unitsDir());
    assert.equal(names.length, 4);
    for (const name of names) {
      const verdict = await check(
        name,
        readFileSync(join(unitsDir(), name), "utf8"),
      );
      assert.deepEqual(verdict, { code: 0, stderr: "" }, name);
    }
  });

  it("refuses units that would run a command as root or reach beyond the app, naming the line and never its contents", async () => {
    const cases: [string, string, RegExp][] = [
      ["User=deploy", "User=root", /line \d+: User= must be deploy/],
      ["Group=deploy", "Group=sudo", /line \d+: Group= must be deploy/],
      [
        "ExecStart=",
        "ExecStart=+/bin/sh -c id\nExecStart=",
        /line \d+: ExecStart= with \+ or ! runs as root/,
      ],
      [
        "ExecStart=",
        "ExecStartPre=!/bin/sh -c id\nExecStart=",
        /line \d+: not a directive this script installs/,
      ],
      [
        "Wants=network-online.target",
        "Wants=network-online.target debug-shell.service",
        /line \d+: Wants= names a unit not of the app/,
      ],
      [
        "EnvironmentFile=",
        "EnvironmentFile=/root/.aws/credentials\nEnvironmentFile=",
        /line \d+: EnvironmentFile= must be /,
      ],
      [
        "LimitNOFILE=16384",
        "LimitNOFILE=infinity",
        /line \d+: LimitNOFILE= must be a number up to 65536/,
      ],
      ["User=deploy\n", "", /line -: a service must set User=deploy once/],
      [
        "[Service]\n",
        "[Service]\nroot:secret-hash-of-shadow:19000:0:99999:7:::\n",
        /line \d+: not a directive this script installs/,
      ],
    ];
    for (const [from, to, message] of cases) {
      const unit = web().replace(from, to);
      assert.notEqual(unit, web(), from);
      const verdict = await check("demo-web.service", unit);
      assert.equal(verdict.code, 1, to);
      assert.match(verdict.stderr, message, to);
      assert.doesNotMatch(verdict.stderr, /secret-hash|credentials|sh -c/);
    }
  });
});
