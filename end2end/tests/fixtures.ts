import { test as base, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/**
 * Every test fails if the browser logs an error or throws: a broken wasm, a failed
 * hydration or a bad request shows up here even when the page looks right.
 */
export const test = base.extend<{ consoleErrors: string[]; allowedConsoleErrors: RegExp[] }>({
  // A test that expects a refusal (a 403 page, say) names the messages it expects.
  allowedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(`${msg.text()} (${msg.location().url})`);
      });
      page.on("pageerror", (err) => errors.push(String(err)));
      await use(errors);
      const unexpected = errors.filter((e) => !allowedConsoleErrors.some((allowed) => allowed.test(e)));
      expect(unexpected, "browser console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the wasm has hydrated the page (the app marks `<html>` when it runs). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** A name and address no other test uses, so tests can run in parallel. */
export function uniquePerson(first: string) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { name: `${first} ${tag}`, email: `${first.toLowerCase()}.${tag}@roster.test` };
}

export const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });

/**
 * Types into the search box and waits until the table shows exactly the one match, so
 * later clicks hit the filtered table, not the one it replaces.
 */
export async function searchFor(page: Page, text: string) {
  await page.getByLabel("Search").fill(text);
  await expect(page).toHaveURL((url) => url.searchParams.get("q") === text);
  await expect(usersTable(page).locator("tbody tr")).toHaveCount(1);
}

/** The header's account area: "Signed in as …" and "Sign out", or "Sign in". */
export const accountMenu = (page: Page) => page.getByRole("navigation", { name: "Account" });

/** Invites someone through the hydrated create dialog and waits for the result. */
export async function inviteThroughDialog(page: Page, person: { name: string; email: string }, role = "User") {
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "New user" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a user" });
  await dialog.getByLabel("Name").fill(person.name);
  await dialog.getByLabel("Email").fill(person.email);
  await dialog.getByLabel("Role").selectOption({ label: role });
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invited ${person.name}` })).toBeVisible();
}

/** Fails on any serious or critical accessibility violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
}
