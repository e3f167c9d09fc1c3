// The scratchpad at / edited together in headless Chromium, tabs spread over two hosts, each host
// behind its own stand-in for the load balancer's HTTPS listener: an edit in one tab shows in a
// tab of the other host; keystroke-to-other-tab latency; then several tabs type at once and
// every tab must end on the same text, holding every keystroke each tab typed, in its order.
import assert from "node:assert/strict";
import { Browser, type Tab } from "./browser.js";
import type { Host } from "./fleet.js";
import { sleep } from "./process.js";

export interface EditingFigures {
  /** Keystroke-to-other-tab latency, ms, across hosts. */
  p50: number;
  p95: number;
  samples: number;
  editors: number;
  keystrokes: number;
}

const DOMAIN = "example.com";
/** Characters of a range of its own per tab (CJK ideographs), so that each tab's keystrokes can be told apart in the text. */
const alphabet = (tab: number) => (i: number) =>
  String.fromCharCode(0x4e00 + tab * 0x100 + i);

export async function editTogether(
  hosts: readonly Host[],
  options: { editors: number; keystrokes: number; intervalMs: number },
  log: (line: string) => void,
): Promise<EditingFigures> {
  const browser = await Browser.launch();
  const errors: string[] = [];
  browser.onMessage((message) => {
    if (
      message.method === "Runtime.exceptionThrown" ||
      (message.method === "Log.entryAdded" &&
        (message.params as { entry: { level: string } }).entry.level ===
          "error")
    )
      errors.push(
        `${message.method === "Log.entryAdded" ? "log" : "exception"}: ${JSON.stringify(message.params).slice(0, 500)}`,
      );
  });
  try {
    const listeners = await Promise.all(
      hosts.map((host) => browser.loadBalancer(host, 3000)),
    );
    const open = async (index: number) => {
      const tab = await browser.open(
        `https://${DOMAIN}/`,
        listeners[index % hosts.length]!,
      );
      await waitFor(
        tab,
        `document.querySelector("[data-scratchpad-status]")?.textContent === "Connected" && document.querySelector("textarea[data-scratchpad]").readOnly === false`,
        60_000,
        "the scratchpad connected and has the text",
      ).catch(async (error: Error) => {
        const page = await tab.evaluate<string>(
          `location.href + " " + document.title + ": " + (document.querySelector("[data-scratchpad-status]")?.textContent ?? document.body?.innerText?.slice(0, 300))`,
        );
        throw new Error(
          `${error.message} (${page}; page errors: ${errors.join("\n") || "none"})`,
        );
      });
      // Each tab watches for the characters the others type, with the time it saw each.
      await tab.evaluate(`(() => {
        const area = document.querySelector("textarea[data-scratchpad]");
        window.e2eSeen = {};
        window.e2eWatch = [];
        setInterval(() => {
          for (const c of window.e2eWatch)
            if (!(c in window.e2eSeen) && area.value.includes(c)) window.e2eSeen[c] = Date.now();
        }, 1);
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
      })()`);
      return tab;
    };
    const tabs: Tab[] = [];
    for (let i = 0; i < options.editors; i++) tabs.push(await open(i));
    const [first, second] = tabs as [Tab, Tab];

    // An edit on the first host shows in the tab of the second, and back: latency each way.
    const latencies: number[] = [];
    for (let sample = 0; sample < 20; sample++) {
      const [from, to] = sample % 2 ? [second, first] : [first, second];
      const marker = String.fromCharCode(0x3400 + sample);
      await to.evaluate(`window.e2eWatch.push(${JSON.stringify(marker)})`);
      const sent = Date.now();
      await from.type(marker);
      const seen = await waitFor<number>(
        to,
        `window.e2eSeen[${JSON.stringify(marker)}]`,
        15_000,
        `the keystroke typed in the other host's tab (sample ${sample})`,
      );
      latencies.push(seen - sent);
    }
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) =>
      latencies[
        Math.min(
          latencies.length - 1,
          Math.ceil((p / 100) * latencies.length) - 1,
        )
      ]!;

    // Every tab types its own characters at once, a keystroke every intervalMs.
    const typed = tabs.map((_, t) =>
      Array.from({ length: options.keystrokes }, (_, i) => alphabet(t)(i)).join(
        "",
      ),
    );
    await Promise.all(
      tabs.map(async (tab, t) => {
        await tab.evaluate(`(() => {
          const area = document.querySelector("textarea[data-scratchpad]");
          area.focus();
          area.setSelectionRange(area.value.length, area.value.length);
        })()`);
        for (const character of typed[t]!) {
          await tab.type(character);
          await sleep(options.intervalMs);
        }
      }),
    );

    // Every tab ends on one text: the same for all, for a while.
    const texts = () =>
      Promise.all(
        tabs.map((tab) =>
          tab.evaluate<string>(
            `document.querySelector("textarea[data-scratchpad]").value`,
          ),
        ),
      );
    let now = await texts();
    const deadline = Date.now() + 30_000;
    while (new Set(now).size > 1 && Date.now() < deadline) {
      await sleep(250);
      now = await texts();
    }
    assert.equal(
      new Set(now).size,
      1,
      `the tabs did not converge within 30 s:\n${now.map((t, i) => `  tab ${i}: ${JSON.stringify(t)}`).join("\n")}${errors.length ? `\npage errors: ${errors.join("\n")}` : ""}`,
    );
    const text = now[0]!;
    for (const [t, own] of typed.entries()) {
      const kept = [...text]
        .filter((c) => c >= alphabet(t)(0) && c <= alphabet(t)(0xff))
        .join("");
      assert.equal(
        kept,
        own,
        `tab ${t} (on ${hosts[t % hosts.length]!.name}) typed ${own.length} characters; the text holds ${kept.length} of them, in this order: ${kept}`,
      );
    }
    const figures = {
      p50: percentile(50),
      p95: percentile(95),
      samples: latencies.length,
      editors: options.editors,
      keystrokes: options.keystrokes,
    };
    log(
      `${options.editors} tabs over ${hosts.length} hosts typed ${options.editors * options.keystrokes} keystrokes at once (one per ${options.intervalMs} ms each): all converged, none lost; keystroke to the other host's tab: p50 ${figures.p50} ms, p95 ${figures.p95} ms (${latencies.length} samples)`,
    );
    assert.deepEqual(
      errors.filter((e) => e.startsWith("exception")),
      [],
      "no exception in a page",
    );
    return figures;
  } finally {
    await browser.close();
  }
}

/** Polls `expression` in the tab until it is truthy; its value. */
async function waitFor<T>(
  tab: Tab,
  expression: string,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await tab.evaluate<T>(expression);
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}
