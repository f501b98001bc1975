import type { Page } from "@playwright/test";
import { adminsOnlyURL } from "../playwright.config";
import { test, expect, waitForHydration, usersTable, expectAccessible, accountMenu, searchFor } from "./fixtures";

// Each test signs in as a different seeded person, so they can run in parallel.

async function signIn(page: Page, pat: string, next = "") {
  await page.goto(`/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await page.getByLabel("Personal access token").fill(pat);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("sign in, see your own row, sign out; the old cookie is then worthless", async ({ page, browser }) => {
  await page.goto("/login");
  await waitForHydration(page);
  const field = page.getByLabel("Personal access token");
  await expect(field).toHaveAttribute("type", "password");
  await expect(field).toHaveAttribute("autocomplete", "off");
  await expectAccessible(page);
  await field.fill("xapt-local-katherine-user");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(accountMenu(page).getByText("Signed in as Katherine Johnson")).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  await searchFor(page, "katherine@example.com");
  const row = usersTable(page).getByRole("row").filter({ hasText: "katherine@example.com" });
  await expect(row.getByText("You", { exact: true })).toBeVisible();

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "roster_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  expect(JSON.stringify(cookies)).not.toContain("xapt-");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  // Replaying the cookie of the ended session signs nobody in.
  const replay = await browser.newContext();
  await replay.addCookies([session!]);
  const replayed = await replay.newPage();
  await replayed.goto(`${test.info().project.use.baseURL}/profile`);
  await expect(replayed).toHaveURL(/\/login\?next=%2Fprofile|\/login\?next=\/profile/);
  await replay.close();
});

test("a wrong token gets one plain message and no session", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Personal access token").fill("xapt-not-a-real-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That token was not accepted.");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login/);
});

test("renaming yourself shows at once in the header and the table", async ({ page }) => {
  const tag = Date.now().toString(36);
  await signIn(page, "xapt-local-barbara-user", "/profile");
  await expect(page).toHaveURL(/\/profile$/);
  await waitForHydration(page);
  await expect(page.getByText("barbara@example.com")).toBeVisible();
  await expectAccessible(page);

  const name = page.getByLabel("Name");
  await name.fill("   ");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a name.")).toBeVisible();

  await name.fill(`Barbara ${tag}`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Your name is now Barbara ${tag}.` })).toBeVisible();
  await expect(accountMenu(page).getByText(`Signed in as Barbara ${tag}`)).toBeVisible();
  await page.goto("/?q=barbara@example.com");
  await expect(usersTable(page).getByRole("link", { name: `Barbara ${tag}` })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("/profile sends a signed-out visitor to sign in", async ({ page }) => {
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByLabel("Personal access token")).toBeVisible();
  });

  test("sign in and rename with plain forms", async ({ page }) => {
    const tag = Date.now().toString(36);
    await signIn(page, "xapt-local-linus-read-only", "/profile");
    await expect(page).toHaveURL(/\/profile/);
    // Linus may carry a name from an earlier run of this test; his address stays.
    await expect(accountMenu(page).getByText(/^Signed in as Linus/)).toBeVisible();
    await expect(page.getByText("linus@example.com")).toBeVisible();
    await page.getByLabel("Name").fill("Linus\tTorvalds");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Remove the control characters")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue("Linus\tTorvalds");
    await page.getByLabel("Name").fill(`Linus ${tag}`);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status")).toContainText(`Your name is now Linus ${tag}.`);
    await expect(accountMenu(page).getByText(`Signed in as Linus ${tag}`)).toBeVisible();
  });

  test("a wrong token is refused without a session", async ({ page }) => {
    await signIn(page, "xapt-wrong");
    await expect(page.getByRole("alert")).toContainText("That token was not accepted.");
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  });
});

test.describe("ADMIN_ACCESS=signed-in-admins", () => {
  // The refusals are real 403 answers, which the browser reports.
  test.use({ allowedConsoleErrors: [/status of 403 \(Forbidden\)/] });
  test("only signed-in owners and admins manage users", async ({ page }) => {
    const response = await page.goto(`${adminsOnlyURL}/`);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("alert")).toContainText("Sign in to do this.");
    await expect(page.getByRole("alert").getByRole("link", { name: "Sign in" })).toHaveAttribute(
      "href",
      "/login?next=%2F",
    );
    await expect(usersTable(page)).toHaveCount(0);

    await page.goto(`${adminsOnlyURL}/login`);
    await page.getByLabel("Personal access token").fill("xapt-local-alan-user");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(accountMenu(page).getByText("Signed in as Alan Turing")).toBeVisible();
    await expect(page.getByRole("alert")).toContainText("Only the organization's owners and admins");
    await expect(usersTable(page)).toHaveCount(0);
    // Enforced by the server functions, not only by the page.
    const refused = await page.evaluate(async () => {
      const body = new URLSearchParams({ id: "anyone", back: "/" });
      const answer = await fetch("/api/delete_user", { method: "POST", body, headers: { Accept: "application/json" } });
      return answer.text();
    });
    expect(refused).toContain("AdminsOnly");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    await page.goto(`${adminsOnlyURL}/login`);
    await page.getByLabel("Personal access token").fill("xapt-local-grace-admin");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(accountMenu(page).getByText("Signed in as Grace Hopper")).toBeVisible();
    await expect(usersTable(page)).toBeVisible();
  });
});
