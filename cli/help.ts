// `rails-aws --help` and `rails-aws <command> --help`, derived from the command table, the run
// options and the settings definitions, wrapped to the terminal's width.
import { RUN_OPTIONS } from "../core/run-options.js";
import { settingDescriptions } from "../core/settings.js";
import {
  CHECK_OPTIONS,
  COMMANDS,
  DEFAULT_COMMAND,
  type Command,
} from "./commands.js";

/** Width of docs/commands.md and of output that is not a terminal. */
const DEFAULT_WIDTH = 100;

/** Words of text in lines of at most width characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** Two columns, the second wrapped and indented under itself. */
function columns(rows: [string, string][], width: number): string[] {
  const left = Math.max(...rows.map(([name]) => name.length)) + 4;
  return rows.flatMap(([name, text]) => {
    // On a narrow terminal the text goes under the name rather than into a sliver.
    const room = width - left;
    if (room < 30)
      return [`  ${name}`, ...wrap(text, width - 6).map((l) => `      ${l}`)];
    const [first, ...rest] = wrap(text, room);
    return [
      `  ${name.padEnd(left - 2)}${first}`,
      ...rest.map((l) => `${" ".repeat(left)}${l}`),
    ];
  });
}

const runOptionRows = (names: string[]): [string, string][] =>
  Object.entries(RUN_OPTIONS)
    .filter(([name]) => names.includes(name))
    .map(([name, option]) => [
      `${"short" in option ? `-${option.short}, ` : ""}${"value" in option ? `--${name} ${option.value}` : `--${name}`}`,
      option.description,
    ]);

const settingRows = (): [string, string][] =>
  settingDescriptions.map((setting) => [
    setting.boolean ? `--[no-]${setting.flag}` : `--${setting.flag} VALUE`,
    `${setting.prompt.replace(/[?.]$/, "")}: ${setting.allowed}; default: ${setting.default}`,
  ]);

const SETTINGS_HEADING =
  "Settings (each is also a key of an --answers file and of .yo-rc.json; see docs/answers.md):";

const ALL_RUN_OPTIONS = Object.keys(RUN_OPTIONS);
const EJECT_OPTIONS = ["force", "dry-run"];

/** Help for one command: its usage, what it does and the options it takes. */
function commandHelp(command: Command, width: number): string[] {
  const takesSettings = !["check", "eject"].includes(command.name);
  const options =
    command.name === "check"
      ? Object.entries(CHECK_OPTIONS).map(
          ([name, option]): [string, string] => [
            `--${name}`,
            option.description,
          ],
        )
      : runOptionRows(
          command.name === "eject" ? EJECT_OPTIONS : ALL_RUN_OPTIONS,
        );
  return [
    `Usage: rails-aws ${command.usage} [dir]${options.length ? " [options]" : ""}`,
    "",
    ...wrap(
      `${command.description}. dir defaults to the current folder.`,
      width,
    ),
    "",
    "Options:",
    ...columns([...options, ["-h, --help", "Show this help"]], width),
    ...(takesSettings
      ? ["", ...wrap(SETTINGS_HEADING, width), ...columns(settingRows(), width)]
      : []),
    "",
  ];
}

export function helpText(
  commandName?: string,
  width: number = DEFAULT_WIDTH,
): string {
  const command = COMMANDS.find((candidate) => candidate.name === commandName);
  if (command) return commandHelp(command, width).join("\n");
  return [
    "Usage: rails-aws [command] [dir] [options]",
    "",
    ...wrap(
      "dir defaults to the current folder; command names are reserved words, not folder names. rails-aws COMMAND --help tells more of one command.",
      width,
    ),
    "",
    "Commands:",
    ...columns(
      [DEFAULT_COMMAND, ...COMMANDS].map((entry): [string, string] => [
        entry.usage,
        entry.description,
      ]),
      width,
    ),
    "",
    "Options:",
    ...columns(
      [
        ...runOptionRows(ALL_RUN_OPTIONS),
        ["-h, --help", "Show this help"],
        ["-v, --version", "Show the version"],
      ],
      width,
    ),
    "",
    ...wrap(SETTINGS_HEADING, width),
    ...columns(settingRows(), width),
    "",
  ].join("\n");
}
