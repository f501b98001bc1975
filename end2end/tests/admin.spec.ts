import type { Page } from "@playwright/test";
import {
  test,
  expect,
  waitForHydration,
  uniquePerson,
  usersTable,
  inviteThroughDialog,
  expectAccessible,
  searchFor,
} from "./fixtures";

test.describe("create", () => {
  test("the dialog invites a user and the new row appears", async ({ page }) => {
    const person = uniquePerson("Hedy");
    await page.goto("/");
    await waitForHydration(page);
    const newUser = page.getByRole("button", { name: "New user" });
    await newUser.click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Name")).toBeFocused();
    // Owner is never on offer: an API token cannot grant it. Custom roles are.
    await expect(dialog.getByLabel("Role").locator("option", { hasText: "Owner" })).toHaveCount(0);
    await expect(dialog.getByLabel("Role").locator("option", { hasText: "Support engineers" })).toHaveCount(1);
    await dialog.getByLabel("Name").fill(person.name);
    await dialog.getByLabel("Email").fill(person.email);
    await dialog.getByLabel("Role").selectOption({ label: "Read-only" });
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Invited ${person.name} (${person.email}).` })).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(newUser).toBeFocused();
    await searchFor(page, person.email);
    const row = usersTable(page).getByRole("row").filter({ hasText: person.email });
    await expect(row).toContainText("Read-only");
  });

  test("bad input is explained by each field, kept, and never sent", async ({ page }) => {
    const sent: string[] = [];
    page.on("request", (r) => r.url().includes("/api/create_user") && sent.push(r.url()));
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("Name").fill("   ");
    await dialog.getByLabel("Email").fill("not-an-email");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("Enter a name.")).toBeVisible();
    await expect(dialog.getByText("Enter an email address such as name@example.com.")).toBeVisible();
    await expect(dialog.getByLabel("Email")).toHaveValue("not-an-email");
    await expect(dialog.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(dialog).toBeVisible();
    expect(sent).toEqual([]);
  });

  test("an address already in the org is refused in plain words", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("Name").fill("Ada Again");
    await dialog.getByLabel("Email").fill("ADA@example.com");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByRole("alert")).toContainText("already a member of the organization");
    await expect(dialog.getByLabel("Name")).toHaveValue("Ada Again");
  });

  test("Escape closes the dialog", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("button", { name: "New user" })).toBeFocused();
  });
});

test.describe("role change", () => {
  test("applies a role, and granting admin asks first", async ({ page }) => {
    const person = uniquePerson("Lise");
    await inviteThroughDialog(page, person);
    await searchFor(page, person.email);
    const row = usersTable(page).getByRole("row").filter({ hasText: person.email });
    await row.getByLabel(`Role for ${person.name}`).selectOption({ label: "Read-only" });
    await row.getByRole("button", { name: `Apply role for ${person.name}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `${person.name} is now Read-only.` })).toBeVisible();
    await expect(row.getByRole("cell").nth(2)).toHaveText("Read-only");

    // Declining the confirmation changes nothing; accepting it grants admin.
    let asked = "";
    page.once("dialog", (d) => ((asked = d.message()), d.dismiss()));
    await row.getByLabel(`Role for ${person.name}`).selectOption({ label: "Admin" });
    await row.getByRole("button", { name: `Apply role for ${person.name}` }).click();
    expect(asked).toContain(`Make ${person.name} an admin?`);
    await expect(row.getByRole("cell").nth(2)).toHaveText("Read-only");
    page.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: `Apply role for ${person.name}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `${person.name} is now Admin.` })).toBeVisible();
    await expect(row.getByRole("cell").nth(2)).toHaveText("Admin");
  });

  test("the last owner cannot be demoted", async ({ page }) => {
    await page.goto("/?q=ada@example.com");
    await waitForHydration(page);
    const row = usersTable(page).getByRole("row").filter({ hasText: "ada@example.com" });
    await row.getByLabel("Role for Ada Lovelace").selectOption({ label: "User" });
    await row.getByRole("button", { name: "Apply role for Ada Lovelace" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "last owner" })).toBeVisible();
    await page.reload();
    await expect(usersTable(page).getByRole("row").filter({ hasText: "ada@example.com" })).toContainText("Owner");
  });
});

test.describe("delete", () => {
  test("asks, names the user, and removes the row", async ({ page }) => {
    const person = uniquePerson("Rosalind");
    await inviteThroughDialog(page, person);
    await searchFor(page, person.email);
    const row = usersTable(page).getByRole("row").filter({ hasText: person.email });

    await row.getByRole("button", { name: `Delete ${person.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${person.name}?` });
    await expect(dialog).toContainText(person.email);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(1);

    await row.getByRole("button", { name: `Delete ${person.name}` }).click();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Removed ${person.name} (${person.email})` })).toBeVisible();
    await expect(row).toHaveCount(0);
  });

  test("a user someone else removed first is reported and dropped", async ({ page, browser }) => {
    const person = uniquePerson("Chien");
    await inviteThroughDialog(page, person);
    await searchFor(page, person.email);
    const row = usersTable(page).getByRole("row").filter({ hasText: person.email });
    await row.getByRole("button", { name: `Delete ${person.name}` }).click();

    const other = await browser.newPage();
    await other.goto(`/?q=${encodeURIComponent(person.email)}`);
    await waitForHydration(other);
    await other.getByRole("button", { name: `Delete ${person.name}` }).click();
    await other.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(other.getByRole("status").filter({ hasText: "Removed" })).toBeVisible();
    await other.close();

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "already removed" })).toBeVisible();
    await expect(row).toHaveCount(0);
  });

  test("the last owner cannot be removed, and says why", async ({ page }) => {
    await page.goto("/?q=ada@example.com");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Delete Ada Lovelace" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Ada Lovelace?" });
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(dialog.getByRole("alert")).toContainText("last owner");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(usersTable(page).getByRole("row").filter({ hasText: "ada@example.com" })).toHaveCount(1);
  });
});

test("the user page shows the details and copies the id", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/?q=grace@example.com");
  await page.getByRole("link", { name: "Grace Hopper" }).click();
  await expect(page.getByRole("heading", { name: "Grace Hopper", level: 1 })).toBeVisible();
  await expect(page.getByText("grace@example.com")).toBeVisible();
  const id = (await page.locator(".id code").textContent()) ?? "";
  expect(id).toMatch(/^usr_/);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Copy ID" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
  await expectAccessible(page);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  /** Invites through the plain form, then opens the table searched for them. */
  async function inviteWithoutJavaScript(page: Page, person: { name: string; email: string }) {
    await page.goto(`/?q=${encodeURIComponent(person.email)}`);
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("Name").fill(person.name);
    await dialog.getByLabel("Email").fill(person.email);
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(page.getByRole("status")).toContainText(`Invited ${person.name}`);
    // The search survived the round trip through the dialog and the post.
    await expect(page.getByLabel("Search")).toHaveValue(person.email);
  }

  test("create posts the form and the page comes back with the result", async ({ page }) => {
    const person = uniquePerson("Mary");
    await page.goto("/");
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("Name").fill(person.name);
    await dialog.getByLabel("Email").fill("mary@@nowhere");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(dialog.getByText("Enter an email address such as name@example.com.")).toBeVisible();
    await expect(dialog.getByLabel("Name")).toHaveValue(person.name);
    await dialog.getByLabel("Email").fill(person.email);
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect(page.getByRole("status")).toContainText(`Invited ${person.name} (${person.email}).`);
    await page.goto(`/?q=${encodeURIComponent(person.email)}`);
    await expect(usersTable(page).locator("tbody tr")).toHaveCount(1);
  });

  test("delete asks, then removes", async ({ page }) => {
    const person = uniquePerson("Emmy");
    await inviteWithoutJavaScript(page, person);
    await page.getByRole("button", { name: `Delete ${person.name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Delete ${person.name}?` });
    await expect(confirm).toContainText(person.email);
    await confirm.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page.getByRole("status")).toContainText(`Removed ${person.name}`);
    await expect(page.getByText("No users match this search.")).toBeVisible();
  });

  test("granting admin asks for confirmation", async ({ page }) => {
    const person = uniquePerson("Sophie");
    await inviteWithoutJavaScript(page, person);
    await page.getByLabel(`Role for ${person.name}`).selectOption({ label: "Admin" });
    await page.getByRole("button", { name: `Apply role for ${person.name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Make ${person.name} an admin?` });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Make admin" }).click();
    await expect(page.getByRole("status")).toContainText(`${person.name} is now Admin.`);
    await expect(usersTable(page).getByRole("row").filter({ hasText: person.email })).toContainText("Admin");
  });
});

test("every page passes an accessibility check", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await expectAccessible(page);
  await page.getByRole("button", { name: "New user" }).click();
  await expectAccessible(page);
  await page.goto("/?q=nobody-at-all");
  await expectAccessible(page);
});
