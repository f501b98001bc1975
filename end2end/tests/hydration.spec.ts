import { test, expect, waitForHydration } from "./fixtures";

test("the page hydrates and its controls work", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const button = page.getByRole("button", { name: /Clicked 0 times/ });
  await button.click();
  await expect(page.getByRole("button", { name: /Clicked 1 times/ })).toBeVisible();
});
