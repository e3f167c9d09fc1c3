import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { yaml } from "../check/validators/yaml.js";
import { packageRoot } from "../core/paths.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/check", name);
const check = (name: string) =>
  checkRepo(fixture(name), { validators: [yaml] });

describe("check: yaml validator", () => {
  it("finds nothing in a clean repo, and leaves YAML with ERB to erb-yaml", async () => {
    const report = await check("clean");
    assert.deepEqual(report.findings, []);
    // ci.yml, docker-compose.yml and the CloudFormation template; not the three ERB config files.
    assert.deepEqual(report.ran, [
      { ...report.ran[0], name: "yaml", files: 3 },
    ]);
  });

  it("reports a planted indentation error with its file and line", async () => {
    const report = await check("broken");
    assert.deepEqual(
      report.findings.map(({ file, line }) => ({ file, line })),
      [{ file: "config/settings.yml", line: 3 }],
    );
  });

  it("accepts CloudFormation and other local tags, anchors, empty and multi-document files", async () => {
    const report = await check("yaml-cases");
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
    const report = await check("yaml-cases");
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
