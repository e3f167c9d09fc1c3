// The cloudformation-userdata validator: shellcheck on the user data once Fn::Sub's variables are
// rendered, on the scripts it writes with a quoted heredoc and on those its launch template keeps
// in its Metadata, each finding at its template line. And what the generated user data tells
// unattended-upgrades, read back by apt itself.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { renderSub } from "../check/cloudformation/user-data.js";
import { cloudformationUserData } from "../check/validators/cloudformation-userdata.js";
import { userData } from "../e2e/harness/app.js";
import { checkFiles } from "./helpers/check.js";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** A launch template whose user data is `userData` (YAML, indented under UserData:). */
async function check(userData: string) {
  const template = [
    "Resources:",
    "  Template:",
    "    Type: AWS::EC2::LaunchTemplate",
    "    Properties:",
    "      LaunchTemplateData:",
    "        UserData:",
    ...userData.split("\n").map((line) => (line ? `          ${line}` : line)),
  ].join("\n");
  const report = await checkFiles(
    { "infra/cloudformation/app.yml": template },
    [cloudformationUserData],
  );
  return report.findings.map(({ line, column, message }) => ({
    line,
    column,
    message,
  }));
}

describe("check: cloudformation-userdata validator", function () {
  this.timeout(20_000);
  before(function () {
    requireTool(this, "shellcheck");
  });

  it("renders Fn::Sub's variables as placeholders and ${!Literal} as ${Literal}", () => {
    assert.equal(
      renderSub('echo "${AWS::Region} ${Bucket} ${Vpc.CidrBlock} ${!HOME}"'),
      'echo "us-east-1 placeholder-bucket placeholder-vpc-cidrblock ${HOME}"',
    );
  });

  it("passes a clean script with variables, and points at the template line of a finding", async () => {
    const clean = [
      "Fn::Base64: !Sub |",
      "  #!/bin/bash",
      "  set -euo pipefail",
      '  bucket="${Bucket}"',
      '  echo "$bucket ${!HOME}"',
      "",
    ];
    assert.deepEqual(await check(clean.join("\n")), []);
    const broken = [
      "Fn::Base64: !Sub",
      "  - |",
      "    #!/bin/bash",
      '    bucket="${Bucket}"',
      "    aws s3 ls s3://$bucket/$1",
      "  - Bucket: b",
      "",
    ];
    assert.deepEqual(await check(broken.join("\n")), [
      {
        line: 11,
        column: 38,
        message:
          "SC2086 (info) in the user data of Template: Double quote to prevent globbing and word splitting.",
      },
    ]);
  });

  it("checks a script the user data writes with a quoted heredoc", async () => {
    const script = [
      "Fn::Base64: |",
      "  #!/bin/bash",
      "  set -euo pipefail",
      "  cat > /usr/local/sbin/refresh <<'SCRIPT'",
      "  #!/bin/bash",
      "  rm -rf $1/tmp",
      "  SCRIPT",
      "  chmod 0755 /usr/local/sbin/refresh",
      "",
    ];
    assert.deepEqual(await check(script.join("\n")), [
      {
        line: 12,
        column: 20,
        message:
          "SC2086 (info) in the script that the user data of Template writes (heredoc SCRIPT): Double quote to prevent globbing and word splitting.",
      },
    ]);
  });

  it("checks a shell script the launch template keeps in its Metadata for its user data to install", async () => {
    const template = [
      "Resources:",
      "  Template:",
      "    Type: AWS::EC2::LaunchTemplate",
      "    Metadata:",
      "      /usr/local/sbin/refresh: |",
      "        #!/bin/bash",
      "        rm -rf $1/tmp",
      "      /etc/systemd/system/refresh.timer: |",
      "        [Timer]",
      "        OnBootSec=$1",
      "    Properties:",
      "      LaunchTemplateData:",
      '        UserData: !Base64 "#!/bin/bash\\ntrue\\n"',
    ].join("\n");
    const report = await checkFiles(
      { "infra/cloudformation/app.yml": template },
      [cloudformationUserData],
    );
    assert.deepEqual(
      report.findings.map(({ line, column, message }) => ({
        line,
        column,
        message,
      })),
      [
        {
          line: 7,
          column: 16,
          message:
            "SC2086 (info) in the file /usr/local/sbin/refresh of Template's Metadata: Double quote to prevent globbing and word splitting.",
        },
      ],
    );
  });

  it("leaves user data that is not a shell script alone", async () => {
    assert.deepEqual(
      await check("Fn::Base64: |\n  #cloud-config\n  packages: [jq]\n"),
      [],
    );
  });
});

describe("the app instances' user data: apt at boot", function () {
  this.timeout(60_000);
  let script: string[];
  before(async function () {
    requireTool(this, "apt-config");
    const repo = await answerSetRepo("defaults");
    script = userData(
      repo,
      new Proxy({}, { get: (_, name) => `value-of-${String(name)}` }),
    ).split("\n");
  });

  /**
   * What apt makes of the file the user data writes, beside an image whose own files (named as
   * Ubuntu's) turn the upgrades off, allow -updates and reboot: `apt-config dump`'s lines on
   * unattended-upgrades.
   */
  function aptReads(path: string, contents: string): string[] {
    const parts = join(tempDir(), "apt.conf.d");
    mkdirSync(parts);
    writeFileSync(
      join(parts, "20auto-upgrades"),
      'APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";\n',
    );
    writeFileSync(
      join(parts, "50unattended-upgrades"),
      [
        "Unattended-Upgrade::Allowed-Origins {",
        '  "${distro_id}:${distro_codename}-updates";',
        "};",
        'Unattended-Upgrade::Automatic-Reboot "true";',
        "",
      ].join("\n"),
    );
    writeFileSync(join(parts, basename(path)), contents);
    // Only these files: neither this machine's apt.conf nor its apt.conf.d.
    const main = join(dirname(parts), "apt.conf");
    writeFileSync(
      main,
      `Dir::Etc::main "/dev/null";\nDir::Etc::parts "${parts}";\n`,
    );
    return execFileSync("apt-config", ["dump"], {
      env: { ...process.env, APT_CONFIG: main },
      encoding: "utf8",
    })
      .split("\n")
      .filter((line) => /^(APT::Periodic::|Unattended-Upgrade::)/.test(line));
  }

  it("installs security updates every day and never reboots, whatever the image's defaults, before the boot installs anything", () => {
    const written = /^cat > '?(\/etc\/apt\/apt\.conf\.d\/[^' ]+)'? <<'APT'$/;
    const start = script.findIndex((line) => written.test(line));
    assert.ok(start >= 0, "the user data writes an apt.conf.d file");
    const end = script.indexOf("APT", start);
    const path = written.exec(script[start]!)![1]!;
    const contents = script.slice(start + 1, end).join("\n") + "\n";
    assert.deepEqual(aptReads(path, contents), [
      'APT::Periodic::Update-Package-Lists "1";',
      'APT::Periodic::Unattended-Upgrade "1";',
      'Unattended-Upgrade::Allowed-Origins "";',
      'Unattended-Upgrade::Allowed-Origins:: "${distro_id}:${distro_codename}";',
      'Unattended-Upgrade::Allowed-Origins:: "${distro_id}:${distro_codename}-security";',
      'Unattended-Upgrade::Allowed-Origins:: "${distro_id}ESMApps:${distro_codename}-apps-security";',
      'Unattended-Upgrade::Allowed-Origins:: "${distro_id}ESM:${distro_codename}-infra-security";',
      'Unattended-Upgrade::Automatic-Reboot "false";',
    ]);
    // Before the packages: from the boot's first apt run on, and with the package itself.
    const update = script.findIndex((line) => /apt_get update -q/.test(line));
    assert.ok(start < update, "written before apt-get update");
    const install = script
      .slice(script.findIndex((line) => line.startsWith("apt_get install")))
      .join("\n");
    assert.match(
      install.slice(0, install.indexOf("\n\n")),
      /\sunattended-upgrades\s/,
    );
  });

  it("keeps needrestart from restarting the app's web and job services after an update, and only those", function () {
    requireTool(this, "perl");
    const start = script.findIndex((line) => line.endsWith(" <<'PERL'"));
    assert.equal(
      script[start],
      "cat >'/etc/needrestart/conf.d/demo.conf' <<'PERL'",
    );
    const setting = script
      .slice(start + 1, script.indexOf("PERL", start))
      .join("\n");
    // needrestart reads each conf.d file into %nrconf after its own configuration, then takes
    // the first override_rc pattern a service matches (0: not restarted). This stands in for
    // needrestart's own decision, which the e2e suite runs on a host (default-repo, g).
    const decide = (unit: string) =>
      execFileSync(
        "perl",
        [
          "-e",
          `our %nrconf = (override_rc => { qr(^bluetooth) => 0 });
           eval $ARGV[0]; die $@ if $@;
           my $restart = 1;
           for my $re (keys %{$nrconf{override_rc}}) {
             next unless $ARGV[1] =~ /$re/;
             $restart = $nrconf{override_rc}{$re}; last;
           }
           print $restart;`,
          setting!,
          unit,
        ],
        { encoding: "utf8" },
      );
    assert.deepEqual(
      [
        "demo-web.service",
        "demo-jobs.service",
        "demo-metrics.service",
        "ssh.service",
        "xdemo-web.service",
      ].map(decide),
      ["0", "0", "1", "1", "1"],
    );
  });

  /**
   * Runs the user data's apt lines (from `apt_get() {` to the install) under its shell options
   * and error trap, with a stand-in apt-get (this machine's must not change) that fails `update`
   * the first `failures` times as when a daily apt run holds the lists' lock, and a `sleep` that
   * returns at once. Returns the exit code and apt-get's calls.
   */
  function bootApt(failures: number): { code: number; calls: string[] } {
    const from = script.findIndex((line) => line.startsWith("apt_get() {"));
    const to = script.findIndex((line) => line.startsWith("apt_get install"));
    assert.ok(from >= 0 && to > from, "the user data's apt lines");
    const dir = tempDir("boot-apt-");
    const calls = join(dir, "calls");
    writeFileSync(
      join(dir, "apt-get"),
      `#!/bin/bash\necho "$*" >>${calls}\n[[ " $* " != *" update "* ]] || (( $(grep -c update ${calls}) > ${failures} ))\n`,
      { mode: 0o755 },
    );
    const run = spawnSync(
      "bash",
      [
        "-c",
        [
          "set -euo pipefail",
          "trap 'echo FAILURE' ERR",
          "sleep() { :; }",
          ...script.slice(from, to),
          "apt_get install -y -q jq",
        ].join("\n"),
      ],
      { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } },
    );
    return {
      code: run.status!,
      calls: readFileSync(calls, "utf8").trim().split("\n"),
    };
  }

  it("waits for the package locks that Ubuntu's daily apt run may hold at first boot, and fails the boot when they stay held", () => {
    const waited = bootApt(3);
    assert.equal(waited.code, 0);
    assert.deepEqual(waited.calls, [
      ...Array(4).fill("-o DPkg::Lock::Timeout=600 update -q"),
      "-o DPkg::Lock::Timeout=600 install -y -q jq",
    ]);
    const held = bootApt(100);
    assert.notEqual(held.code, 0);
    assert.equal(held.calls.length, 10, "ten tries of update, no install");
  });
});
