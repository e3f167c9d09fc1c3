import assert from "node:assert/strict";
import { shellcheck } from "../check/validators/shellcheck.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

const lines = (...text: string[]) => `${text.join("\n")}\n`;

describe("check: shellcheck validator", function () {
  before(function () {
    requireTool(this, "shellcheck");
  });

  it("checks shebang scripts, .sh files and .env.example, finding nothing in clean ones", async () => {
    const report = await checkFiles(
      {
        "bin/dev": lines(
          "#!/usr/bin/env bash",
          "set -euo pipefail",
          'exec foreman start -f Procfile.dev "$@"',
        ),
        "scripts/deploy-stack.sh": lines(
          "#!/bin/sh",
          "set -eu",
          'stack="$1"',
          'echo "$stack"',
        ),
        ".env.example": lines("# Local values", "DATABASE_HOST=localhost"),
        // Not shell: a Ruby script and a text file.
        "bin/setup": lines("#!/usr/bin/env ruby", "puts $1"),
        "notes.txt": "rm -rf $1/tmp\n",
      },
      [shellcheck],
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 3);
  });

  it("takes a one-argument slice of $@ as the one word it is (Rails' bin/docker-entrypoint), and still flags $@ in [ ]", async () => {
    const report = await checkFiles(
      {
        "bin/docker-entrypoint": lines(
          "#!/bin/bash -e",
          'if [ "${@: -2:1}" == "./bin/rails" ] && [ "${@: -1:1}" == "server" ]; then',
          "  ./bin/rails db:prepare",
          "fi",
          'exec "${@}"',
        ),
        "bin/start": lines(
          "#!/bin/bash",
          'if [ "$@" == "server" ]; then echo serving; fi',
        ),
      },
      [shellcheck],
    );
    assert.deepEqual(
      report.findings.map((finding) => [
        finding.file,
        finding.message.slice(0, 6),
      ]),
      [["bin/start", "SC2198"]],
    );
  });

  it("reports every severity, with file, line and column", async () => {
    const report = await checkFiles(
      {
        "bin/dev": lines(
          "#!/usr/bin/env bash",
          "exec foreman start -f Procfile.dev $@",
        ),
        "scripts/deploy-stack.sh": lines(
          "#!/bin/sh",
          "set -eu",
          "",
          "stack=$1",
          "aws cloudformation deploy --stack-name $stack --template-file infra/cloudformation/network.yml",
        ),
      },
      [shellcheck],
    );
    assert.deepEqual(
      report.findings.map(({ file, line, column }) => ({ file, line, column })),
      [
        { file: "bin/dev", line: 2, column: 36 },
        { file: "scripts/deploy-stack.sh", line: 5, column: 40 },
      ],
    );
    assert.match(report.findings[0]!.message, /^SC2068 \(error\): /);
    assert.match(report.findings[1]!.message, /^SC2086 \(info\): /);
  });
});
