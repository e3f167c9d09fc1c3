// `rails-aws --help`, derived from the command table and the settings definitions.
import { settingDescriptions } from "../core/settings.js";
import { RUN_OPTIONS } from "../core/run-options.js";
import { COMMANDS, DEFAULT_COMMAND } from "./commands.js";

function column(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

export function helpText(): string {
  const settingRows = settingDescriptions.map((setting): [string, string] => [
    setting.boolean ? `--[no-]${setting.flag}` : `--${setting.flag} VALUE`,
    `${setting.prompt}. ${setting.allowed}; default: ${setting.default}`,
  ]);
  return [
    "Usage: rails-aws [command] [dir] [options]",
    "",
    "dir defaults to the current folder; command names are reserved words, not folder names.",
    "",
    "Commands:",
    ...column(
      [DEFAULT_COMMAND, ...COMMANDS].map((command): [string, string] => [
        command.usage,
        command.description,
      ]),
    ),
    "",
    "Options:",
    ...column([
      ...Object.entries(RUN_OPTIONS).map(([name, option]): [string, string] => [
        "value" in option ? `--${name} ${option.value}` : `--${name}`,
        option.description,
      ]),
      ["-h, --help", "Show this help"],
      ["-v, --version", "Show the version"],
    ]),
    "",
    "Settings (each is also a key of an --answers file and of .yo-rc.json; see docs/answers.md):",
    ...column(settingRows),
    "",
  ].join("\n");
}
