import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { yaml } from "../check/validators/yaml.js";
import { packageRoot } from "../core/paths.js";
import { checkFiles } from "./helpers/check.js";

const cases = () =>
  checkRepo(join(packageRoot, "test/fixtures/check/yaml-cases"), {
    validators: [yaml],
  });

describe("check: yaml validator", () => {
  it("checks plain YAML, and leaves YAML with ERB to erb-yaml", async () => {
    const report = await checkFiles(
      {
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        "config/settings.yml": "mailer:\n  from: noreply@example.com\n",
        "config/database.yml": "default:\n  host: <%= ENV['HOST'] %>: [\n",
      },
      [yaml],
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 2);
  });

  it("reports an indentation error with its file and line", async () => {
    const report = await checkFiles(
      {
        "config/settings.yml":
          "mailer:\n  from: noreply@example.com\n reply_to: support@example.com\n",
      },
      [yaml],
    );
    assert.deepEqual(
      report.findings.map(({ file, line }) => ({ file, line })),
      [{ file: "config/settings.yml", line: 3 }],
    );
  });

  it("accepts CloudFormation and other local tags, anchors, empty and multi-document files", async () => {
    const report = await cases();
    const flagged = new Set(report.findings.map((finding) => finding.file));
    for (const file of [
      "cloudformation-tags.yml",
      "anchors.yml",
      "empty.yml",
      "multi-document.yaml",
    ]) {
      assert.ok(!flagged.has(file), `${file} should pass`);
    }
  });

  it("reports duplicate keys, missing anchors, unknown !! tags and broken quotes with lines", async () => {
    const report = await cases();
    assert.deepEqual(
      report.findings.map(({ file, line, validator }) => ({
        file,
        line,
        validator,
      })),
      [
        { file: "duplicate-key.yml", line: 3, validator: "yaml" },
        { file: "undefined-alias.yml", line: 2, validator: "yaml" },
        { file: "unknown-core-tag.yml", line: 2, validator: "yaml" },
        { file: "unterminated-quote.yml", line: 3, validator: "yaml" },
      ],
    );
    assert.match(report.findings[0]!.message, /unique/);
    assert.match(report.findings[1]!.message, /&missing/);
  });
});
