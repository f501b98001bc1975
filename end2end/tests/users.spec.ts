import { test, expect, waitForHydration, usersTable } from "./fixtures";

// Other tests add users in parallel, so these look at the seeded people only
// (their addresses end in example.com; test users' in roster.test).

test("the users table lists the seeded organization", async ({ page }) => {
  await page.goto("/?q=example.com");
  await expect(usersTable(page).locator("tbody tr")).toHaveCount(10);
  await expect(usersTable(page).getByRole("cell", { name: "ada@example.com" })).toBeVisible();
  await expect(page.getByText(/^(10 users|10 of \d+ users match)$/)).toBeVisible();
});

test("once hydrated, typing filters the table without a reload", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  // A reload would drop this marker.
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.getByLabel("Search").pressSequentially("grace");
  await expect(usersTable(page).locator("tbody tr")).toHaveCount(1);
  await expect(usersTable(page).getByRole("link", { name: "Grace Hopper" })).toBeVisible();
  await expect(page).toHaveURL(/\?q=grace$/);
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search, filter and sort work from the URL and the form", async ({ page }) => {
    await page.goto("/?q=example.com&sort=-name");
    await expect(usersTable(page).locator("tbody tr").first()).toContainText("Margaret Hamilton");
    await page.getByLabel("Search").fill("example.com");
    await page.getByRole("search").getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=example.com&role=admin&sort=-name/);
    await expect(usersTable(page).locator("tbody tr")).toHaveCount(2);
    await expect(page.getByText(/^2 of \d+ users match$/)).toBeVisible();
  });

  test("a search with no match says so and offers a way back", async ({ page }) => {
    await page.goto("/?q=nobody-at-all");
    await expect(page.getByText("No users match this search.")).toBeVisible();
    await page.getByRole("link", { name: "Clear the search" }).click();
    await expect(usersTable(page).getByRole("link", { name: "Ada Lovelace" })).toBeVisible();
  });
});

test("Refresh fetches the list again and says so", async ({ page }) => {
  await page.goto("/?q=example.com");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The list is fresh from Axiom." })).toBeVisible();
  await expect(usersTable(page).locator("tbody tr")).toHaveCount(10);
});
