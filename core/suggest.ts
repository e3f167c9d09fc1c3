// "Did you mean …?" for a mistyped flag, answers-file key or command.
import { levenshtein } from "./lazy.js";

/** The known word nearest to what was typed, when it is near enough to be a typo. */
export function nearest(
  typed: string,
  known: readonly string[],
): string | undefined {
  if (known.length === 0) return undefined;
  const lower = typed.toLowerCase();
  const sameLetters = known.find((word) => word.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  const slipped = oneSlipFrom(typed, known);
  if (slipped) return slipped;
  const { closest, distance } = levenshtein();
  const best = closest(typed, [...known]);
  // A third of the word may be wrong: `domian` → `domain`, not `vpc` → `app`.
  return distance(typed, best) <= Math.max(1, Math.floor(best.length / 3))
    ? best
    : undefined;
}

/**
 * The known word that typed is one slip from: a letter changed, added or dropped, or two
 * neighbouring letters swapped (`chekc`, which Levenshtein counts as two). Without the edit
 * distances' library, which takes milliseconds to load: a run checks its folder's name with it.
 */
export function oneSlipFrom(
  typed: string,
  known: readonly string[],
): string | undefined {
  const a = typed.toLowerCase();
  return known.find((word) => {
    const b = word.toLowerCase();
    if (Math.abs(a.length - b.length) > 1 || a === b) return false;
    let same = 0;
    while (a[same] === b[same]) same++;
    if (a.length !== b.length) {
      const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
      return longer.slice(same + 1) === shorter.slice(same);
    }
    return (
      a.slice(same + 1) === b.slice(same + 1) ||
      (a[same] === b[same + 1] &&
        a[same + 1] === b[same] &&
        a.slice(same + 2) === b.slice(same + 2))
    );
  });
}

/** "; did you mean X?", from a near spelling or else from the words that contain what was typed. */
export function didYouMean(typed: string, known: readonly string[]): string {
  // Nothing that long is a typo of a known word (and comparing it would take a while).
  if (typed.length > 100) return "";
  const word = nearest(typed, known);
  if (word) return `; did you mean ${word}?`;
  const lower = typed.toLowerCase().replace(/^-+/, "");
  const containing =
    lower.length >= 3
      ? known.filter((candidate) => candidate.toLowerCase().includes(lower))
      : [];
  return containing.length > 0 && containing.length <= 3
    ? `; did you mean ${containing.join(" or ")}?`
    : "";
}

/** Text the user typed, cut when it is too long to read in a message. */
export function shortened(text: string, longest = 80): string {
  return text.length > longest
    ? `${text.slice(0, 60)}… (${text.length} characters)`
    : text;
}

/** A value as the user typed it, shortened when it is too long to read in a message. */
export function shown(raw: unknown): string {
  if (raw === undefined) return "nothing";
  if (typeof raw === "string" && raw.length > 80)
    return `${JSON.stringify(`${raw.slice(0, 60)}…`)} (${raw.length} characters)`;
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw);
  return shortened(JSON.stringify(raw) ?? String(raw));
}
