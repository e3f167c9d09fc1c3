// The most hostile answers the settings accept: every free-text setting at its longest, made of
// the characters its rule lets through that mean something in some language of the generated
// files (`%` starts a systemd specifier and a YAML directive, `-` an option, `.` a path, `+`,
// `_` ...). A template that writes one of them without quoting it for its language changes the
// file's structure, which test/answers-are-data.test.ts reads back.
import { rubyVersions } from "../../core/data.js";
import { flagOf } from "../../core/settings.js";

/** A DNS name of 56 characters (the longest allowed: staging.<domain> names a certificate). */
export const hostileDomain =
  "0-a--b.c9-d.xn--80ak6aa92e.e-0123456789-0123456789-xy.co";

export const hostileAnswers = {
  appName: "a-0-b1--c2-d3-e4-f5-g6-h7-i8j9",
  domain: hostileDomain,
  githubRepository: `a1-b2-c3-d4-e5-f6-g7-h8-i9-j0-k1-l2-m3n/.-_${"x.y_-z".repeat(16)}0`,
  // A local part of 64 characters, the longest an address may have.
  alertEmail: `%+_-.${"%x+_-".repeat(11)}.-+%@${hostileDomain}`,
  rubyVersion: rubyVersions.at(-1)!,
};

/** The answers as flags, with the settings that add files (redis, a bastion) so that every template renders. */
export const hostileFlags = [
  ...Object.entries(hostileAnswers).flatMap(([name, value]) => [
    `--${flagOf(name)}`,
    value,
  ]),
  ...["--cable-adapter", "redis", "--shell-access", "bastion"],
];
