// The monitoring HTTP app: the reference's routes (server.go startMonitoring) as a table, looked up by exact
// path. Every route answers every method, as Go's ServeMux; paths are case-sensitive and exact, so "/varz/"
// is a 404; "//varz" gets ServeMux's 301 to the cleaned path. Each handler is a plain function of
// (context, query) -> Response; the endpoint functions behind them are (context, options) -> JSON object.
// A Map lookup is all the routing this needs: a router framework cost ~10 MB of resident memory and tens
// of ms of start-up (issue 15) for exact-path dispatch.
import { handleAccountStatz, handleAccountz } from "./accountz.ts";
import { handleConnz } from "./connz.ts";
import { dashboardEvents, dashboardPage, DashboardPaths } from "./dashboard/routes.ts";
import { countRequest, Paths, type MonitorContext } from "./context.ts";
import { handleGatewayz } from "./gatewayz.ts";
import { handleHealthz } from "./healthz.ts";
import { handleJsz } from "./jsz.ts";
import { handleLeafz } from "./leafz.ts";
import { metrics, METRICS_CONTENT_TYPE } from "./metrics.ts";
import { handleIPQueuesz, stacksz } from "./misc.ts";
import { BadRequest } from "./query.ts";
import { badRequest, cleanPath, dataResponse, html, jsonResponse, movedPermanently, notFound, text } from "./response.ts";
import { handleRoutez } from "./routez.ts";
import { joinBasePath, rootPage } from "./root.ts";
import { handleSubsz } from "./subsz.ts";
import { varz } from "./varz.ts";

export type RouteHandler = (ctx: MonitorContext, q: URLSearchParams, request: Request) => Response;

export interface Route {
  /** The path under http_base_path. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/** The routes, in the reference's registration order; "/metrics" and the dashboard are bnats's own. */
export const ROUTES: readonly Route[] = [
  {
    path: Paths.root,
    handler: (ctx) => {
      countRequest(ctx, Paths.root);
      return html(rootPage(ctx.server.opts.httpBasePath, ctx.server.baseInfo().version));
    },
  },
  { path: Paths.varz, handler: (ctx, q) => jsonResponse(varz(ctx), q) },
  { path: Paths.connz, handler: (ctx, q) => jsonResponse(handleConnz(ctx, q), q) },
  { path: Paths.routez, handler: (ctx, q) => jsonResponse(handleRoutez(ctx, q), q) },
  { path: Paths.gatewayz, handler: (ctx, q) => jsonResponse(handleGatewayz(ctx, q), q) },
  { path: Paths.leafz, handler: (ctx, q) => jsonResponse(handleLeafz(ctx, q), q) },
  { path: Paths.subsz, handler: (ctx, q) => jsonResponse(handleSubsz(ctx, q), q) },
  // The reference's alias kept for backward compatibility.
  { path: "/subscriptionsz", handler: (ctx, q) => jsonResponse(handleSubsz(ctx, q), q) },
  // As the reference: the stack text goes through ResponseHandler, so it is labelled application/json.
  { path: Paths.stacksz, handler: (_ctx, q) => dataResponse(stacksz(), q) },
  { path: Paths.accountz, handler: (ctx, q) => jsonResponse(handleAccountz(ctx, q), q) },
  { path: Paths.accstatz, handler: (ctx, q) => jsonResponse(handleAccountStatz(ctx, q), q) },
  { path: Paths.jsz, handler: (ctx, q) => jsonResponse(handleJsz(ctx, q), q) },
  {
    path: Paths.healthz,
    handler: (ctx, q) => {
      const { status, body } = handleHealthz(ctx, q);
      // HandleHealthz uses json.Marshal (no indentation).
      return jsonResponse(body, q, { status, indent: false });
    },
  },
  { path: Paths.ipqueuesz, handler: (_ctx, q) => jsonResponse(handleIPQueuesz(q), q) },
  { path: Paths.metrics, handler: (ctx) => text(metrics(ctx), METRICS_CONTENT_TYPE) },
  // The live dashboard (issue 16): a page and its server-sent event stream.
  { path: DashboardPaths.page, handler: () => dashboardPage() },
  { path: DashboardPaths.events, handler: (ctx, _q, request) => dashboardEvents(ctx, request) },
];

/** Runs a handler, turning BadRequest into the reference's 400. */
function run(handler: RouteHandler, ctx: MonitorContext, url: URL, request: Request): Response {
  try {
    return handler(ctx, url.searchParams, request);
  } catch (err) {
    if (err instanceof BadRequest) return badRequest(err.message);
    throw err;
  }
}

/** The monitoring app: `fetch` for Bun.serve, `handle` (async) for tests. */
export interface MonitorApp {
  fetch(request: Request): Response;
  handle(request: Request): Promise<Response>;
}

/** The app serving ROUTES under the configured http_base_path. */
export function createMonitorApp(ctx: MonitorContext): MonitorApp {
  const base = ctx.server.opts.httpBasePath;
  const routes = new Map<string, RouteHandler>();
  for (const route of ROUTES) routes.set(joinBasePath(base, route.path), route.handler);
  const fetch = (request: Request): Response => {
    const url = new URL(request.url);
    const clean = cleanPath(url.pathname);
    if (clean !== url.pathname) return movedPermanently(clean + url.search, request.method);
    const handler = routes.get(url.pathname);
    if (handler === undefined) return notFound();
    return run(handler, ctx, url, request);
  };
  return { fetch, handle: async (request) => fetch(request) };
}
