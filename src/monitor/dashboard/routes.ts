// The dashboard's two monitoring routes: the page (`/dashboard`) and its event stream
// (`/dashboard/events`), both under http_base_path like every other endpoint, on http or https.
import type { MonitorContext } from "../context.ts";
import { dashboardPageHTML } from "./assets.ts" with { type: "macro" };
import { dashboardHub } from "./hub.ts";

/** The page, inlined at bundle time (see assets.ts). */
const PAGE: string = dashboardPageHTML();

export const DashboardPaths = {
  page: "/dashboard",
  events: "/dashboard/events",
} as const;

export function dashboardPage(): Response {
  return new Response(PAGE, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      // Everything the page needs is in it; it talks only to its own origin.
      "content-security-policy":
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      "x-content-type-options": "nosniff",
    },
  });
}

export function dashboardEvents(ctx: MonitorContext, request: Request): Response {
  return dashboardHub(ctx).connect(request.signal);
}
