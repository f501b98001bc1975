import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

// `make e2e` picks a free port and a fresh data folder; these defaults are for running
// `npx playwright test` by hand after `make build`.
const port = process.env.ROSTER_E2E_PORT ?? "3100";
const adminsOnlyPort = process.env.ROSTER_E2E_PORT2 ?? "3101";
const dataDir = process.env.ROSTER_E2E_DATA ?? path.join(__dirname, "test-results", "data");
export const baseURL = `http://127.0.0.1:${port}`;
/** A second Roster with ADMIN_ACCESS=signed-in-admins. */
export const adminsOnlyURL = `http://127.0.0.1:${adminsOnlyPort}`;

/** The release build on a loopback port with its own local Axiom and data folder. */
function roster(listenPort: string, data: string, extra: Record<string, string> = {}) {
  return {
    command: "./target/release/roster",
    cwd: "..",
    url: `http://127.0.0.1:${listenPort}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${listenPort}`,
      LEPTOS_SITE_ROOT: "target/site",
      ROSTER_DATA_DIR: data,
      AXIOM_TOKEN: "",
      AXIOM_URL: "",
      // The tests sign in many times a minute from one address.
      SIGN_IN_ATTEMPTS_PER_MINUTE: "1000",
      ...extra,
    },
  };
}

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
  // Release builds, started on free loopback ports with the embedded local Axiom and
  // stopped when the run ends.
  webServer: [
    roster(port, dataDir),
    roster(adminsOnlyPort, path.join(dataDir, "admins-only"), { ADMIN_ACCESS: "signed-in-admins" }),
  ],
});
