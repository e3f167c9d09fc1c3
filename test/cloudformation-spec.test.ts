// The cloudformation validator: templates against AWS's resource specification, and parameter
// files against their templates.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { parseCloudFormationFile } from "../check/cloudformation/template.js";
import { listRepoFiles } from "../check/repo.js";
import { formatReport } from "../check/report.js";
import { withScratchDir } from "../check/scratch.js";
import { cloudformation } from "../check/validators/cloudformation.js";
import { packageRoot } from "../core/paths.js";
import { checkFiles } from "./helpers/check.js";
import { writeRepo } from "./helpers/repo.js";

/** Checks a repo made of these files with the cloudformation validator; returns its findings. */
async function check(files: Record<string, string>) {
  const report = await checkFiles(files, [cloudformation]);
  return report.findings.map(({ file, line, message }) => ({
    file,
    line,
    message,
  }));
}

/**
 * A template at infra/cloudformation/t.yml: `extra` sections, then `Resources:` and `resources`
 * (whose line 1 is the file's line 2 without extra).
 */
const template = (resources: string, extra = "") => ({
  "infra/cloudformation/t.yml": `${extra}Resources:\n${resources}`,
});

const T = "infra/cloudformation/t.yml";

describe("check: cloudformation validator (AWS's resource specification)", function () {
  this.timeout(20_000);

  it("accepts short and long intrinsics, Sub variable maps, conditions, mappings, imports and parameter files", async () => {
    const report = await checkRepo(
      join(packageRoot, "test/fixtures/cloudformation/clean"),
      {
        validators: [cloudformation],
      },
    );
    assert.deepEqual(report.findings, [], formatReport(report));
    assert.equal(report.ran[0]!.files, 2);
  });

  it("parses a file once per check run: its validators share the parse, a new run reads the file again", async () => {
    await withScratchDir("test", async (dir) => {
      writeRepo(dir, template("  Vpc:\n    Type: AWS::EC2::VPC\n"));
      const [file] = await listRepoFiles(dir);
      const [nextRun] = await listRepoFiles(dir);
      assert.equal(
        parseCloudFormationFile(file!),
        parseCloudFormationFile(file!),
      );
      assert.notEqual(
        parseCloudFormationFile(nextRun!),
        parseCloudFormationFile(file!),
      );
    });
  });

  it("reports a misspelled property, with the line and the name meant", async () => {
    const findings = await check(
      template(
        `  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlok: 10.0.0.0/16\n`,
      ),
    );
    assert.deepEqual(findings, [
      {
        file: T,
        line: 5,
        message:
          "Unknown property CidrBlok of AWS::EC2::VPC (did you mean CidrBlock?)",
      },
    ]);
  });

  it("reports unknown keys of the template, a parameter, a resource and an output, each at its line", async () => {
    const findings = await check(
      template(
        [
          "  Vpc:",
          "    Type: AWS::EC2::VPC",
          "    DeletePolicy: Retain",
          "    Properties:",
          "      CidrBlock: 10.0.0.0/16",
          "Outputs:",
          "  VpcId:",
          "    Value: !Ref Vpc",
          "    Exports: { Name: vpc }",
          "Output:",
          "  Value: x",
          "",
        ].join("\n"),
        "Parameters:\n  Size:\n    Type: Number\n    Max: 3\n",
      ),
    );
    assert.deepEqual(findings, [
      { file: T, line: 4, message: "Unknown key Max of parameter Size" },
      {
        file: T,
        line: 8,
        message: "Unknown attribute DeletePolicy of resource Vpc",
      },
      { file: T, line: 14, message: "Unknown key Exports of output VpcId" },
      { file: T, line: 15, message: "Unknown top-level section Output" },
    ]);
  });

  it("follows nested property types through lists and maps", async () => {
    const findings = await check(
      template(
        [
          "  Template:",
          "    Type: AWS::EC2::LaunchTemplate",
          "    Properties:",
          "      LaunchTemplateData:",
          "        BlockDeviceMappings:",
          "          - DeviceName: /dev/sda1",
          "            Ebs:",
          "              Encryptd: true",
          "        MetadataOptions:",
          "          HttpTokens: [required]",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(findings, [
      {
        file: T,
        line: 9,
        message:
          "Unknown property Encryptd of AWS::EC2::LaunchTemplate.LaunchTemplateData.BlockDeviceMappings[0].Ebs (did you mean Encrypted?)",
      },
      {
        file: T,
        line: 11,
        message:
          "AWS::EC2::LaunchTemplate.LaunchTemplateData.MetadataOptions.HttpTokens must be a string",
      },
    ]);
  });

  it("reports a missing required property, in a resource and in a nested type", async () => {
    const findings = await check(
      template(
        [
          "  Subnet:",
          "    Type: AWS::EC2::Subnet",
          "    Properties:",
          "      CidrBlock: 10.0.0.0/24",
          "  Record:",
          "    Type: AWS::Route53::RecordSet",
          "    Properties:",
          "      Name: example.com",
          "      Type: A",
          "      HostedZoneName: example.com.",
          "      AliasTarget:",
          "        DNSName: x.example.com",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(findings, [
      {
        file: T,
        line: 4,
        message: "AWS::EC2::Subnet is missing its required property VpcId",
      },
      {
        file: T,
        line: 12,
        message:
          "AWS::Route53::RecordSet.AliasTarget is missing its required property HostedZoneId",
      },
    ]);
  });

  it("reports an unknown resource type", async () => {
    const findings = await check(
      template(`  Thing:\n    Type: AWS::EC2::Vpc\n`),
    );
    assert.deepEqual(findings, [
      { file: T, line: 3, message: "Unknown resource type AWS::EC2::Vpc" },
    ]);
  });

  it("reports a wrong Fn::GetAtt attribute, in both forms and in Fn::Sub", async () => {
    const findings = await check(
      template(
        [
          "  Vpc:",
          "    Type: AWS::EC2::VPC",
          "    Properties:",
          "      CidrBlock: 10.0.0.0/16",
          "Outputs:",
          "  A:",
          "    Value: !GetAtt Vpc.Cidr",
          "  B:",
          "    Value: !GetAtt [Vpc, VpcId]",
          "  C:",
          '    Value: !Sub "${Vpc.CidrBlock}/${Vpc.Nope}"',
          "  D:",
          "    Value: !GetAtt Nope.Arn",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(
      findings.map(({ line, message }) => ({
        line,
        message: message.replace(/; it has .*/, ""),
      })),
      [
        { line: 8, message: "AWS::EC2::VPC has no attribute Cidr (Vpc.Cidr)" },
        { line: 12, message: "AWS::EC2::VPC has no attribute Nope (Vpc.Nope)" },
        { line: 14, message: 'Fn::GetAtt "Nope": no resource of that name' },
      ],
    );
    assert.match(findings[0]!.message, /it has VpcId, .*CidrBlock/);
  });

  it("reports an unresolved ${X} in Fn::Sub, and resolves variables, pseudo parameters and ${!Literal}", async () => {
    const findings = await check(
      template(
        [
          "  Topic:",
          "    Type: AWS::SNS::Topic",
          "    Properties:",
          '      DisplayName: !Sub "${AWS::StackName}-${Missing}-${!Literal}"',
          "      TopicName: !Sub",
          '        - "${Given}-${AWS::Region}-${Topic.TopicName}"',
          "        - Given: x",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(findings, [
      {
        file: T,
        line: 5,
        message:
          "Fn::Sub variable ${Missing} is neither a parameter, a resource, an attribute nor one of its variables",
      },
    ]);
  });

  it("reports conditions that are not defined, wherever they are used", async () => {
    const findings = await check(
      template(
        [
          "  Topic:",
          "    Type: AWS::SNS::Topic",
          "    Condition: Nowhere",
          "    Properties:",
          "      DisplayName: !If [Elsewhere, a, !Ref AWS::NoValue]",
          "",
        ].join("\n"),
        "Parameters:\n  Env:\n    Type: String\nConditions:\n  Both: !And [!Condition Missing, !Equals [!Ref Env, x]]\n",
      ),
    );
    assert.deepEqual(
      findings.map(({ line, message }) => ({ line, message })),
      [
        {
          line: 5,
          message: 'Condition "Missing" is not defined in Conditions',
        },
        {
          line: 9,
          message: 'Condition "Nowhere" is not defined in Conditions',
        },
        {
          line: 11,
          message: 'Condition "Elsewhere" is not defined in Conditions',
        },
      ],
    );
  });

  it("reports a Ref to nothing, a Ref to a resource in Conditions and an unknown function", async () => {
    const findings = await check(
      template(
        [
          "  Topic:",
          "    Type: AWS::SNS::Topic",
          "    Properties:",
          "      DisplayName: !Ref Nothing",
          "      TopicName:",
          "        Fn::Upper: x",
          "",
        ].join("\n"),
        "Conditions:\n  Odd: !Equals [!Ref Topic, x]\n",
      ),
    );
    assert.deepEqual(
      findings.map(({ line, message }) => ({ line, message })),
      [
        {
          line: 2,
          message: "Conditions may only Ref parameters, not the resource Topic",
        },
        {
          line: 7,
          message: "Ref Nothing: no parameter or resource of that name",
        },
        { line: 9, message: "Unknown intrinsic function Fn::Upper" },
      ],
    );
  });

  it("rejects YAML that CloudFormation does not: aliases and unknown tags", async () => {
    const findings = await check(
      template(
        [
          "  Topic:",
          "    Type: AWS::SNS::Topic",
          "    Properties:",
          "      DisplayName: &name x",
          "      TopicName: *name",
          "  Other:",
          "    Type: AWS::SNS::Topic",
          "    Properties:",
          "      DisplayName: !Upper x",
          "",
        ].join("\n"),
      ),
    );
    assert.deepEqual(
      findings.map(({ line, message }) => ({ line, message })),
      [
        {
          line: 6,
          message: "CloudFormation does not accept YAML aliases (*name)",
        },
        {
          line: 10,
          message: "Unknown tag !Upper: not a CloudFormation function",
        },
      ],
    );
  });

  it("checks parameter files against their template", async () => {
    const findings = await check({
      ...template(
        "  Topic:\n    Type: AWS::SNS::Topic\n",
        "Parameters:\n  Env:\n    Type: String\n    AllowedValues: [production, staging]\n  Size:\n    Type: Number\n    MaxValue: 10\n",
      ),
      "infra/parameters/production/t.json":
        '{\n  "Env": "prod",\n  "Size": "12",\n  "Extra": "x"\n}\n',
      "infra/parameters/production/gone.json": "{}\n",
      "infra/parameters/staging/t.json": '{ "Env": [1] }\n',
    });
    assert.deepEqual(findings, [
      {
        file: "infra/parameters/production/gone.json",
        line: 1,
        message:
          "No template infra/cloudformation/gone.yml for these parameters",
      },
      {
        file: "infra/parameters/production/t.json",
        line: 2,
        message: 'Env is "prod", not one of production, staging',
      },
      {
        file: "infra/parameters/production/t.json",
        line: 3,
        message: "Size is 12, above its MaxValue 10",
      },
      {
        file: "infra/parameters/production/t.json",
        line: 4,
        message: "infra/cloudformation/t.yml has no parameter Extra",
      },
      {
        file: "infra/parameters/staging/t.json",
        line: 1,
        message: "Env must be a string, number or boolean",
      },
    ]);
  });
});
