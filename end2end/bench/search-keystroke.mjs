// Part of `make bench`, not a test: the time from a keystroke in the users page's
// search box to the table showing that search, in Chromium, against a running Roster.
// Each keystroke follows a pause (as when someone types a name and looks), and the
// clock runs in the page: from the keydown to the DOM holding the new table.
// Usage: node search-keystroke.mjs <base-url> <rounds>; prints {"p50":…,"p99":…,"n":…}.
import { chromium } from "@playwright/test";

const [base, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 30);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
await page.goto(base + "/");
await page.locator("html[data-hydrated=true]").waitFor();

// Prefixes of seeded names, typed one letter at a time, cleared between words.
const words = ["amara", "carmen", "dmitri", "elif", "farah", "gustav", "hana", "sofia"];
const times = [];
const box = page.locator("#search-q");
await page.evaluate(() => {
  window.__keydownAt = 0;
  document.addEventListener("keydown", () => (window.__keydownAt = performance.now()), true);
});
outer: for (;;) {
  for (const word of words) {
    await box.fill("");
    await page.locator('.summary[data-query=""]').waitFor();
    await page.waitForTimeout(200);
    for (let i = 1; i <= word.length; i++) {
      const expected = `?q=${word.slice(0, i)}`;
      // Armed before the key goes down: resolves when the table for `expected` is in.
      const shown = page.evaluate(
        (expected) =>
          new Promise((resolve) => {
            const done = () => {
              const s = document.querySelector(".summary");
              if (s && s.getAttribute("data-query") === expected) {
                observer.disconnect();
                resolve(performance.now() - window.__keydownAt);
                return true;
              }
              const empty = document.querySelector(".empty");
              if (empty && new URL(location.href).search === expected) {
                observer.disconnect();
                resolve(performance.now() - window.__keydownAt);
                return true;
              }
              return false;
            };
            const observer = new MutationObserver(done);
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          }),
        expected,
      );
      await box.press(word[i - 1]);
      times.push(await shown);
      if (times.length >= rounds) break outer;
      // The pause between keystrokes of someone reading the table.
      await page.waitForTimeout(200);
    }
  }
}
await browser.close();
if (errors.length) {
  console.error(errors.join("\n"));
  process.exit(1);
}
times.sort((a, b) => a - b);
const pick = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
console.log(JSON.stringify({ p50: pick(0.5), p99: pick(0.99), n: times.length }));
