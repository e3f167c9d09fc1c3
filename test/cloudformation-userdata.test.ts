// The cloudformation-userdata validator: shellcheck on the user data once Fn::Sub's variables are
// rendered, on the scripts it writes with a quoted heredoc and on those its launch template keeps
// in its Metadata, each finding at its template line.
import assert from "node:assert/strict";
import { renderSub } from "../check/cloudformation/user-data.js";
import { cloudformationUserData } from "../check/validators/cloudformation-userdata.js";
import { checkFiles } from "./helpers/check.js";
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
