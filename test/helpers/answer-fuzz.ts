// Random answer sets, from a seed: each setting left out, given a value its kind accepts, or a
// value a careless or hostile user might type (wrong types, huge, control characters, YAML tags,
// template and shell syntax), given as flags, a JSON file or a YAML file, sometimes with keys
// that name no setting or a file that is not quite JSON or YAML.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  definitionOf,
  flagOf,
  settingNames,
  type SettingName,
} from "../../core/settings.js";
import { hostileAnswers } from "./hostile-answers.js";
import { settingExamples } from "./setting-examples.js";

/** mulberry32: a small, well-known seeded generator; the same seed gives the same cases. */
export function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** What a user should never manage to slip through a setting. */
const HOSTILE_TEXT = [
  "",
  " ",
  "<%= `touch pwned` %>@example.com",
  "#x@example.com",
  "&x@example.com",
  "*x",
  "${HOME}",
  "$(id)",
  "it's",
  '"quoted"',
  "a\nb",
  "nul\u0000",
  "esc\u001b[31m",
  "nel\u0085",
  "é@exämple.com",
  "漢字",
  "-rf",
  "../../etc",
  "null",
  "~",
  ".inf",
  "-.inf",
  ".nan",
  "0x10",
  "1e3",
  "TRUE",
  "x".repeat(1_000_000),
];
const HOSTILE_OTHER: unknown[] = [
  null,
  [],
  {},
  [1, 2],
  { nested: "map" },
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
];

/** A value the setting's kind accepts (its rule across settings may still refuse it). */
function acceptable(random: Random, name: SettingName): unknown {
  const definition = definitionOf(name);
  switch (definition.kind) {
    case "text":
      return pick(random, [
        settingExamples[name].valid,
        hostileAnswers[name as keyof typeof hostileAnswers] ??
          settingExamples[name].valid,
      ]);
    case "integer": {
      // Mostly small figures: large ones together outgrow any database (a refusal worth testing, but rarely).
      const span = random() < 0.8 ? 3 : definition.max - definition.min;
      const value = definition.min + Math.floor(random() * (span + 1));
      return random() < 0.5 ? value : String(value);
    }
    case "boolean":
      return pick(random, [true, false, "true", "false", "yes", "no"]);
    case "choice":
      return pick(random, definition.choices);
    case "list": {
      const chosen = definition.choices.filter(() => random() < 0.6);
      return chosen.length ? chosen : [definition.choices[0]];
    }
  }
}

function hostile(random: Random, name: SettingName): unknown {
  const roll = random();
  if (roll < 0.5) return pick(random, HOSTILE_TEXT);
  if (roll < 0.8) return pick(random, HOSTILE_OTHER);
  return settingExamples[name].invalid;
}

export type Channel = "flags" | "json" | "yaml";
export const CHANNELS: readonly Channel[] = ["flags", "json", "yaml"];

export interface FuzzCase {
  answers: Record<string, unknown>;
  channel: Channel;
  /** Text that makes the answers file not quite JSON or YAML, added in front of it. */
  damage?: string;
}

/** Damage that a file may carry: each must be refused with a clear message, never accepted. */
const JSON_DAMAGE = ["// my answers\n", "{,\n", "\uFEFF\uFEFF"];
const YAML_DAMAGE = [
  "appName: !Ref myapp\n",
  "cpuTarget: .inf\n",
  "domain: &d example.com\nalertEmail: *d\n",
  "---\n---\n",
  "\tdomain: example.com\n",
  "domain: example.com\ndomain: example.org\n",
];

export function fuzzCase(random: Random): FuzzCase {
  const answers: Record<string, unknown> = {};
  // Mostly sets that can be accepted: a valid domain, few hostile values.
  const hostility = pick(random, [0, 0, 0.02, 0.1, 0.3]);
  for (const name of settingNames) {
    const roll = random();
    if (name === "domain" && roll < 0.85)
      answers[name] = acceptable(random, name);
    else if (roll < hostility) answers[name] = hostile(random, name);
    else if (roll < 0.2) answers[name] = acceptable(random, name);
  }
  if (random() < 0.05)
    answers[pick(random, ["domian", "app_name", "__proto__", "x"])] = "y";
  const channel = pick(random, CHANNELS);
  const damage =
    random() < 0.05
      ? pick(random, channel === "yaml" ? YAML_DAMAGE : JSON_DAMAGE)
      : undefined;
  return { answers, channel, damage };
}

/** A value as command-line flags; none when flags cannot carry it (null, a mapping, a yes/no switch set to text). */
function flagsOf(name: string, value: unknown): string[] {
  const flag = `--${flagOf(name)}`;
  if (definitionOf(name as SettingName)?.kind === "boolean") {
    if (value === true || value === "true" || value === "yes") return [flag];
    if (value === false || value === "false" || value === "no")
      return [`--no-${flagOf(name)}`];
    return [];
  }
  if (value === null || (typeof value === "object" && !Array.isArray(value)))
    return [];
  const text = Array.isArray(value)
    ? value.join(",")
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return [`${flag}=${text}`];
}

/** The command-line arguments that give a case's answers, writing its answers file in folder. */
export function argumentsOf(
  fuzz: FuzzCase,
  channel: Channel,
  folder: string,
): string[] {
  if (channel === "flags")
    return Object.entries(fuzz.answers).flatMap(([name, value]) =>
      flagsOf(name, value),
    );
  const file = join(folder, `answers.${channel === "json" ? "json" : "yml"}`);
  const text =
    channel === "json"
      ? JSON.stringify(fuzz.answers, null, 2)
      : stringify(fuzz.answers);
  writeFileSync(file, `${fuzz.damage ?? ""}${text}`);
  return ["--answers", file];
}

/** Whether the case's answers say the same on every channel (flags cannot carry null or a mapping). */
export function sameOnEveryChannel(fuzz: FuzzCase): boolean {
  return (
    fuzz.damage === undefined &&
    Object.entries(fuzz.answers).every(
      ([name, value]) =>
        settingNames.includes(name as SettingName) &&
        flagsOf(name, value).length > 0 &&
        (typeof value !== "string" || !value.includes("\u0000")) &&
        !(
          Array.isArray(value) &&
          value.some((item) => typeof item !== "string" || item.includes(","))
        ),
    )
  );
}
