import { readFile } from "node:fs/promises";
import { test, expect, waitForHydration, uniquePerson, inviteThroughDialog, expectAccessible } from "./fixtures";

const auditTable = (page: import("@playwright/test").Page) => page.getByRole("table", { name: "Audit trail" });

test("an invitation is on record, the filters narrow the trail, and the CSV downloads", async ({ page }) => {
  const person = uniquePerson("Audrey");
  await inviteThroughDialog(page, person);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit trail" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("link", { name: "Audit trail" })).toHaveAttribute("aria-current", "page");
  const row = auditTable(page).getByRole("row").filter({ hasText: person.email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Invite");
  await expect(row).toContainText("role: User");
  await expect(row).toContainText("network (127.0.0.1)");
  await expect(row).toContainText("Succeeded");
  await expectAccessible(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const file = await (await download).path();
  const csv = await readFile(file, "utf8");
  expect(csv.split("\r\n")[0]).toBe(
    "id,time,actor,actor_name,client_address,action,target,target_id,detail,result,reason",
  );
  expect(csv).toContain(`,invite,${person.name} <${person.email}>,`);

  await page.getByLabel("Action").selectOption({ label: "Removal" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/audit" && url.searchParams.get("action") === "removal");
  await expect(page.getByLabel("Action")).toHaveValue("removal");
  await expect(auditTable(page).getByRole("row").filter({ hasText: person.email })).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a refused sign-in is on record, and the filters work as a plain form", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Personal access token").fill("xapt-not-a-real-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("That token was not accepted.");

    await page.goto("/audit");
    await page.getByLabel("Action").selectOption({ label: "Sign-in" });
    await page.getByLabel("Result").selectOption({ label: "Failed" });
    await page.getByLabel("Actor").fill("network");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/\/audit\?action=sign-in&actor=network&result=failed$/);
    const rows = auditTable(page).locator("tbody tr");
    await expect(rows.first()).toContainText("That token was not accepted.");
    for (const row of await rows.all()) {
      await expect(row).toContainText("Failed");
      await expect(row).toContainText("Sign-in");
    }
    // What was typed stays in the form, and the download follows the same filters.
    await expect(page.getByLabel("Actor")).toHaveValue("network");
    await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      "/audit.csv?action=sign-in&actor=network&result=failed",
    );
    await expect(page.locator("body")).not.toContainText("xapt-not-a-real-token");
  });
});

test("an empty filter result says so and offers the way back", async ({ page }) => {
  await page.goto("/audit?actor=nobody-ever-acts-as-this");
  await waitForHydration(page);
  await expect(page.getByText("No entries match these filters.")).toBeVisible();
  await page.getByRole("link", { name: "Clear the filters" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByLabel("Actor")).toHaveValue("");
});
