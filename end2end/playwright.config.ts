import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

// `make e2e` picks a free port and a fresh data folder; these defaults are for running
// `npx playwright test` by hand after `make build`.
const port = process.env.ROSTER_E2E_PORT ?? "3100";
const dataDir = process.env.ROSTER_E2E_DATA ?? path.join(__dirname, "test-results", "data");
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  // "html" starts a report server on failure and waits; "list" just prints.
  reporter: "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Debian's Chromium: Playwright's own browser download is unreachable here.
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  // The release build, started on a free loopback port with the embedded local Axiom
  // and stopped when the run ends.
  webServer: {
    command: "./target/release/roster",
    cwd: "..",
    url: `${baseURL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      ROSTER_DATA_DIR: dataDir,
      AXIOM_TOKEN: "",
      AXIOM_URL: "",
    },
  },
});
